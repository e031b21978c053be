-- SpringNewcomerIT's application keeps its migrations where Flyway looks by default.
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
