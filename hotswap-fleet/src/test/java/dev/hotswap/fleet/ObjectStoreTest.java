package dev.hotswap.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.hotswap.testkit.LocalS3;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ObjectStoreTest {
    private static LocalS3 s3;

    @BeforeAll
    static void createBucket() throws Exception {
        s3 = LocalS3.shared();
        s3.createBucket("objects");
    }

    @Test
    void secondConditionalCreateOfAKeyFails() throws Exception {
        try (ObjectStore store = new ObjectStore(TestFleet.config(s3, "objects", "a").build())) {
            assertTrue(store.supportsConditionalWrites());
            assertTrue(store.supportsUploadChecksums(), "the current S3Proxy takes a CRC32C with an upload");
            assertTrue(store.putIfAbsent("hotswap/x", bytes("one")));
            assertFalse(store.putIfAbsent("hotswap/x", bytes("two")));
            assertArrayEquals(bytes("one"), store.get("hotswap/x").orElseThrow());
        }
    }

    @Test
    void conditionalGetAnswersUnchangedWithoutABody() throws Exception {
        try (ObjectStore store = new ObjectStore(TestFleet.config(s3, "objects", "a").build())) {
            store.put("hotswap/head", bytes("v1"));
            ObjectStore.Fetched first = store.getIfChanged("hotswap/head", null).orElseThrow();
            assertArrayEquals(bytes("v1"), first.bytes());
            ObjectStore.Fetched again = store.getIfChanged("hotswap/head", first.etag()).orElseThrow();
            assertFalse(again.changed());
            store.put("hotswap/head", bytes("v2"));
            ObjectStore.Fetched changed = store.getIfChanged("hotswap/head", first.etag()).orElseThrow();
            assertArrayEquals(bytes("v2"), changed.bytes());
            assertEquals(Optional.empty(), store.getIfChanged("hotswap/none", null));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
