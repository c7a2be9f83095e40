package io.brokle.control.db.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsAtSemicolonsThatEndStatements() {
        assertEquals(List.of("create table a (id int)", "create table b (id int)"),
                SqlScript.split("create table a (id int);\n\ncreate table b (id int);\n"));
    }

    @Test
    void keepsSemicolonsInsideStringsIdentifiersAndComments() {
        String script = """
                insert into t values ('a;b', 'it''s; fine', E'back\\'slash;');
                create table "odd;name" (x int); -- trailing; comment
                /* block; /* nested; */ still; */ select 1;
                """;
        assertEquals(List.of(
                "insert into t values ('a;b', 'it''s; fine', E'back\\'slash;')",
                "create table \"odd;name\" (x int)",
                "-- trailing; comment\n/* block; /* nested; */ still; */ select 1"), SqlScript.split(script));
    }

    @Test
    void keepsDollarQuotedBodiesWhole() {
        String body = "create function f() returns int as $fn$ begin return 1; end; $fn$ language plpgsql";
        assertEquals(List.of(body, "select $$a;b$$", "select $1"), SqlScript.split(body + ";\nselect $$a;b$$;\nselect $1"));
    }

    @Test
    void aScriptOfOnlyCommentsHasNoStatements() {
        assertEquals(List.of(), SqlScript.split("-- nothing to undo;\n/* really; */\n;\n"));
    }

    @Test
    void lastStatementNeedsNoSemicolon() {
        assertEquals(List.of("select 1", "select 2"), SqlScript.split("select 1;select 2"));
    }
}
