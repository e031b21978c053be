/**
 * Test support shared by the adapters' tests: {@link dev.hotswap.testkit.Dataset}, a SQLite file
 * with the test schema and the exact text a reader returns for it, and
 * {@link dev.hotswap.testkit.Hammer}, client threads that send requests in a loop and tally every
 * one that did not answer as expected.
 *
 * <p>Test scope only, never shipped. A plain jar on purpose, without a module descriptor: see this
 * module's pom.
 */
package dev.hotswap.testkit;
