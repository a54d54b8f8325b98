import { describe, expect, it } from "vitest";
import { checkReadOnlySql } from "./readOnlySql";

describe("checkReadOnlySql", () => {
  it.each([
    "SELECT * FROM facts",
    "  select 1;  ",
    "WITH x AS (SELECT 1) SELECT * FROM x",
    "PRAGMA user_version",
    "EXPLAIN QUERY PLAN SELECT 1",
    "SELECT ';DROP TABLE facts' -- ;x",
  ])("lets %j run", (sql) => expect(checkReadOnlySql(sql)).toBeNull());

  it.each([
    ["DELETE FROM facts", /not DELETE/],
    ["SELECT 1; DELETE FROM facts", /one statement/],
    ["PRAGMA user_version = 3", /sets a value/],
    ["", /Write a query/],
    ["/* hi */ DROP TABLE facts", /not DROP/],
    ["ATTACH 'x' AS y", /not ATTACH/],
  ])("refuses %j", (sql, why) => expect(checkReadOnlySql(sql)).toMatch(why));
});
