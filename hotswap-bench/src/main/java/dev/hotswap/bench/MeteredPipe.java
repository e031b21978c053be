package dev.hotswap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote shell wrapper for the benchmark: {@code MeteredPipe --rate MBS --counts FILE -- CMD...}
 * runs CMD (e.g. {@code ssh -F config}) with the rest of its arguments and sits on its stdin and
 * stdout: counts the bytes each way (written to FILE as {@code up down} when CMD exits) and, with a
 * rate above 0, holds each direction to that many MB/s, like a slow link. Used as
 * {@code hotswap --rsh 'java -cp bench.jar dev.hotswap.bench.MeteredPipe ... -- ssh -F config'} and
 * in front of a plain {@code ssh prod 'hotswap cp - db' < file}, so both see the same link.
 */
public final class MeteredPipe {
    private static final int CHUNK = 64 << 10;

    private MeteredPipe() {
    }

    public static void main(String[] args) throws Exception {
        double rate = 0;
        Path counts = null;
        int i = 0;
        for (; i < args.length && !args[i].equals("--"); i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--counts" -> counts = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> command = Arrays.asList(args).subList(i + 1, args.length);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong up = new AtomicLong();
        AtomicLong down = new AtomicLong();
        double bytesPerSecond = rate * 1e6;
        Thread upstream = new Thread(() -> pump(System.in, process.getOutputStream(), up, bytesPerSecond), "up");
        upstream.setDaemon(true);
        upstream.start();
        pump(process.getInputStream(), System.out, down, bytesPerSecond);
        int code = process.waitFor();
        if (counts != null) {
            Files.writeString(counts, up.get() + " " + down.get() + "\n");
        }
        System.exit(code);
    }

    private static void pump(InputStream from, OutputStream to, AtomicLong counter, double bytesPerSecond) {
        byte[] buffer = new byte[CHUNK];
        long start = System.nanoTime();
        long moved = 0;
        try (to) {
            for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                to.write(buffer, 0, n);
                to.flush();
                moved += n;
                counter.addAndGet(n);
                if (bytesPerSecond > 0) {
                    long wait = start + (long) (moved / bytesPerSecond * 1e9) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // one side closed: the conversation is over
        }
    }
}
