// Live task page: the server pushes a "task" event after every change (server-sent events); the page
// then asks the server for the freshly rendered task body and swaps it in. All HTML comes from the
// server's own templates, which encode everything a student's app returned.
(function () {
  const root = document.getElementById('task-live');
  if (!root || !window.EventSource) return;
  let requested = 0;
  let shown = 0;
  const openSteps = () => Array.from(root.querySelectorAll('details[data-key][open]')).map(d => d.dataset.key);

  async function refresh() {
    const ticket = ++requested;
    const response = await fetch(root.dataset.partial, { headers: { 'Accept': 'text/html' }, credentials: 'same-origin' });
    if (!response.ok || ticket < shown) return;
    const html = await response.text();
    if (ticket < shown) return;
    shown = ticket;
    const keepOpen = openSteps();
    root.innerHTML = html;
    keepOpen.forEach(key => { const d = root.querySelector(`details[data-key="${CSS.escape(key)}"]`); if (d) d.open = true; });
    root.dispatchEvent(new CustomEvent('task-updated', { detail: { at: Date.now() } }));
  }

  const events = new EventSource(root.dataset.events);
  events.addEventListener('task', e => {
    const view = JSON.parse(e.data);
    refresh();
    if (['Completed', 'Failed', 'Cancelled'].includes(view.status)) events.close();
  });
  events.onerror = () => { /* the browser reconnects by itself */ };
})();
