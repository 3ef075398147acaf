import { describe, expect, it } from "vitest";
import { pageCount } from "./Pagination";

describe("pagination", () => {
  it("counts whole pages, and one page when there is nothing", () => {
    expect(pageCount(25, 12)).toBe(3);
    expect(pageCount(24, 12)).toBe(2);
    expect(pageCount(0, 12)).toBe(1);
  });
});
