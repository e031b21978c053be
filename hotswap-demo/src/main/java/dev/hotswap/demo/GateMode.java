package dev.hotswap.demo;

/** How the demo guards requests against a swap. */
enum GateMode {
    /** The engine's concurrent {@code SwapGate}, through the server's adapter: what a real app runs. */
    HOTSWAP,
    /** One global lock around every request, as the Ruby original does: a benchmark baseline only. */
    MUTEX,
    /** No gate at all: a benchmark baseline only; swaps can then fail requests. */
    OFF
}
