// Live task page: the server pushes a "task" event after every change and a "queue" event when the
// place in line moves (server-sent events); the page then asks the server for the freshly rendered task
// body and patches it into place: nodes that did not change stay the same nodes, so keyboard focus (on
// "Run again", say) and open or closed details stay as the reader left them, and only the status line
// (role=status) is announced. All HTML comes from the server's own templates, which encode everything a
// student's app returned; it is parsed inert, never executed.
(function () {
  const root = document.getElementById('task-live');
  if (!root) return;

  function sameKind(a, b) {
    if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
    return a.nodeType !== Node.ELEMENT_NODE || keyOf(a) === keyOf(b);
  }

  function patchAttributes(current, next) {
    for (const { name } of Array.from(current.attributes)) {
      if (!next.hasAttribute(name) && !(current.nodeName === 'DETAILS' && name === 'open')) current.removeAttribute(name);
    }
    for (const { name, value } of Array.from(next.attributes)) {
      if (current.nodeName === 'DETAILS' && name === 'open') continue; // the reader's choice wins once shown
      if (current.getAttribute(name) !== value) current.setAttribute(name, value);
    }
  }

  const keyOf = el => el.nodeType === Node.ELEMENT_NODE ? (el.getAttribute('data-key') || el.id || '') : '';

  // Walks both child lists in order. A keyed node (data-key or id) that exists further on is reached by
  // removing the stale nodes before it, never by moving it: moving a focused node would drop focus.
  function patch(current, next) {
    let cursor = current.firstChild;
    for (const node of Array.from(next.childNodes)) {
      const key = keyOf(node);
      let match = null;
      if (key) {
        for (let c = cursor; c; c = c.nextSibling) if (keyOf(c) === key && c.nodeName === node.nodeName) { match = c; break; }
      } else {
        // White space between elements differs between the first render and a fetched body; stepping
        // over it keeps the element after it (and the focus inside) instead of rebuilding it.
        let c = cursor;
        if (node.nodeType === Node.ELEMENT_NODE) while (c && c.nodeType === Node.TEXT_NODE && !c.nodeValue.trim()) c = c.nextSibling;
        if (c && sameKind(c, node)) match = c;
      }
      if (!match) {
        current.insertBefore(document.importNode(node, true), cursor);
        continue;
      }
      while (cursor !== match) { const stale = cursor; cursor = cursor.nextSibling; current.removeChild(stale); }
      if (node.nodeType === Node.ELEMENT_NODE) {
        patchAttributes(match, node);
        patch(match, node);
      } else if (match.nodeValue !== node.nodeValue) {
        match.nodeValue = node.nodeValue;
      }
      cursor = match.nextSibling;
    }
    while (cursor) { const stale = cursor; cursor = cursor.nextSibling; current.removeChild(stale); }
  }

  let requested = 0;
  let shown = 0;
  async function refresh() {
    const ticket = ++requested;
    const response = await fetch(root.dataset.partial, { headers: { 'Accept': 'text/html' }, credentials: 'same-origin' });
    if (!response.ok || ticket < shown) return;
    const html = await response.text();
    if (ticket < shown) return;
    shown = ticket;
    const next = new DOMParser().parseFromString(`<div>${html}</div>`, 'text/html').body.firstElementChild;
    patch(root, next);
    root.dispatchEvent(new CustomEvent('task-updated', { detail: { at: Date.now() } }));
  }

  // Copy buttons: data-copy names the element whose text is copied.
  root.addEventListener('click', async e => {
    const button = e.target.closest('button[data-copy]');
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.dataset.copied = 'true';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });

  if (!window.EventSource) return;
  const events = new EventSource(root.dataset.events);
  events.addEventListener('task', e => {
    const view = JSON.parse(e.data);
    refresh();
    if (['Completed', 'Failed', 'Cancelled'].includes(view.status)) events.close();
  });
  events.addEventListener('queue', () => refresh());
  events.onerror = () => { /* the browser reconnects by itself */ };
})();
