// The suite editor: line numbers in a gutter that scrolls with the text, and error links
// (file:line:column) that put the caret at that place and scroll it into view. Without this
// script the page is a plain text box whose error links lead to it.
(() => {
  const area = document.getElementById("suite-text");
  const frame = area?.closest(".code-editor");
  if (!area || !frame) return;

  const gutter = document.createElement("div");
  gutter.className = "gutter";
  gutter.setAttribute("aria-hidden", "true");
  frame.prepend(gutter);
  let numbered = -1;
  const sync = () => {
    const count = area.value.split("\n").length;
    if (count !== numbered) {
      // Two spare lines, so the gutter can scroll as far as the text box and its scroll bar.
      gutter.textContent = Array.from({ length: count }, (_, i) => i + 1).join("\n") + "\n\n\n";
      numbered = count;
    }
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener("input", sync);
  area.addEventListener("scroll", sync);
  new ResizeObserver(sync).observe(area);
  sync();

  const charWidth = () => {
    const context = document.createElement("canvas").getContext("2d");
    context.font = getComputedStyle(area).font;
    return context.measureText("0").width || 8;
  };

  // Line and column are 1-based, as the validator reports them; both are clamped to the text.
  const moveTo = (line, column) => {
    const lines = area.value.split("\n");
    const row = Math.min(Math.max(line, 1), lines.length);
    let offset = 0;
    for (let i = 0; i < row - 1; i++) offset += lines[i].length + 1;
    const col = Math.min(Math.max(column, 1), lines[row - 1].length + 1);
    offset += col - 1;
    area.focus({ preventScroll: true });
    area.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (row - 1) * lineHeight - area.clientHeight / 2);
    area.scrollLeft = Math.max(0, (col - 1) * charWidth() - area.clientWidth / 2);
    frame.scrollIntoView({ block: "nearest" });
    sync();
  };

  for (const link of document.querySelectorAll("a.error-link[data-line]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      moveTo(Number(link.dataset.line), Number(link.dataset.column));
    });
  }
})();
