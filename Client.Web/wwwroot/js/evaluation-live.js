// Evaluation page: polls the evaluation's JSON summary and updates the progress bar and its four counts
// until every task has finished. Polling, not a push: an evaluation's tasks are many grains, and a
// one-second summary is cheap and enough for a bar.
(function () {
  const root = document.getElementById('evaluation-live');
  if (!root) return;
  const bar = document.getElementById('evaluation-progress');
  const counts = document.getElementById('evaluation-counts');

  function show(progress) {
    bar.max = progress.total;
    bar.value = progress.done + progress.failed;
    bar.textContent = `${progress.done + progress.failed} of ${progress.total}`;
    for (const name of ['done', 'running', 'queued', 'failed']) {
      const cell = counts.querySelector(`[data-count="${name}"]`);
      if (cell.textContent !== String(progress[name])) cell.textContent = String(progress[name]);
    }
    counts.dataset.finished = progress.finished ? 'true' : 'false';
    // Nothing is left to cancel once every task has finished.
    document.getElementById('evaluation-cancel').hidden = progress.finished;
  }

  async function poll() {
    try {
      const response = await fetch(root.dataset.api, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const summary = await response.json();
        show(summary.progress);
        if (summary.progress.finished) return;
      }
    } catch {
      // A dropped request is retried on the next tick.
    }
    setTimeout(poll, 1000);
  }

  if (counts.dataset.finished !== 'true') setTimeout(poll, 1000);
})();
