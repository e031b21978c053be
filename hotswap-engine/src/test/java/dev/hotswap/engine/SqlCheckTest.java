package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CandidateCheck#sql}: exactly one row, one column, a non-zero number passes; anything else says what came back. */
class SqlCheckTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT count(*) > 0 FROM items   | pass",
        "SELECT 1                          | pass",
        "SELECT 0.5                        | pass",
        "SELECT -3                         | pass",
        "SELECT count(*) > 0 FROM log      | SELECT count(*) > 0 FROM log returned 0",
        "SELECT 0.0                        | SELECT 0.0 returned 0.0",
        "SELECT NULL                       | SELECT NULL returned NULL, not a number",
        "SELECT 'true'                     | SELECT 'true' returned 'true', not a number",
        "SELECT x'0001'                    | SELECT x'0001' returned a blob of 2 bytes, not a number",
        "SELECT 1, 2                       | SELECT 1, 2 returned 2 columns, not 1",
        "SELECT 1 WHERE 0                  | SELECT 1 WHERE 0 returned no row",
        "SELECT 1 UNION ALL SELECT 1       | SELECT 1 UNION ALL SELECT 1 returned 2 rows, not 1",
    })
    void passesOnlyOnASingleNonZeroNumber(String query, String expected) throws Exception {
        Path file = fixture.versioned("candidate.sqlite3", false, 1, 5);
        try (Connection candidate = Sqlite.openReadOnly(file, Settings.BUSY_TIMEOUT)) {
            CandidateCheck.Verdict verdict = CandidateCheck.sql(query).check(candidate, candidate);
            assertEquals(expected, verdict.passed() ? "pass" : verdict.refusal());
        }
    }

    @Test
    void refusesABlankQuery() {
        assertThrows(IllegalArgumentException.class, () -> CandidateCheck.sql("  "));
    }
}
