package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FleetOptionsTest {

    @Test
    void nodeListsRoundTripThroughTheirCommaSeparatedValue() {
        qt().forAll(lists().of(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 63)).ofSizeBetween(1, 20))
                .assuming(nodes -> nodes.stream().distinct().count() == nodes.size())
                .checkAssert(nodes -> assertEquals(nodes, FleetOptions.parseNodes(String.join(",", nodes))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|nodes takes node names separated by commas, not an empty list",
        "a,,b|node name '' in 'a,,b' must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
        "web-1,-x|node name '-x' in 'web-1,-x' must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
        "a b|node name 'a b' in 'a b' must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
        "a/b|node name 'a/b' in 'a/b' must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit",
        "web-1,web-2,web-1|node web-1 is named twice in 'web-1,web-2,web-1'"})
    void refusesANodeListThatNamesNoNodesOnce(String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetOptions.parseNodes(value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void minNodesIsACountFromOneToTheLimit() {
        qt().forAll(integers().between(1, FleetOptions.MAX_NODES))
                .checkAssert(n -> assertEquals(n, FleetOptions.parseMinNodes(Integer.toString(n))));
        for (String bad : List.of("0", "-1", "1001", "3.0", "", "three", "99999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FleetOptions.parseMinNodes(bad));
            assertEquals("min-nodes takes a number of nodes from 1 to 1000, not '" + bad + "'", e.getMessage());
        }
    }
}
