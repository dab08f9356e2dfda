// Sorts a table.sortable by the column whose header button is pressed; a second press reverses it.
// Numbers sort as numbers, everything else as text; empty cells go last.
(() => {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const key = (cell) => (cell?.textContent ?? "").trim();
  const compare = (a, b) => {
    if (a === b) return 0;
    if (a === "" || a === "null") return 1;
    if (b === "" || b === "null") return -1;
    const x = Number(a), y = Number(b);
    return Number.isFinite(x) && Number.isFinite(y) ? x - y : collator.compare(a, b);
  };
  for (const table of document.querySelectorAll("table.sortable")) {
    const headers = [...table.tHead.rows[0].cells];
    headers.forEach((th, column) => {
      th.querySelector("button.sort")?.addEventListener("click", () => {
        const descending = th.getAttribute("aria-sort") === "ascending";
        headers.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        const body = table.tBodies[0];
        const rows = [...body.rows];
        rows.sort((r1, r2) => {
          const order = compare(key(r1.cells[column]), key(r2.cells[column]));
          return descending ? -order : order;
        });
        body.append(...rows);
      });
    });
  }
})();
