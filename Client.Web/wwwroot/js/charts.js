// Draws each <canvas data-chart data-src> of the staff charts page with the bundled Chart.js, from its
// staff JSON endpoint. The page already holds the same numbers as tables; this adds the picture.
// A file, not inline script: the CSP allows only 'self'.
(function () {
    if (typeof Chart === "undefined") {
        return;
    }

    const colours = ["#1f5fbf", "#b3261e", "#16713a", "#8a5300", "#6a3fb5", "#00727a", "#4d5562", "#b0307a"];
    const byStatus = { Completed: "#16713a", Failed: "#b3261e", Cancelled: "#4d5562", Superseded: "#8a93a1", Queued: "#1f5fbf", Preparing: "#6a3fb5", Starting: "#00727a", Testing: "#8a5300" };
    const local = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    const round = n => Math.round(n * 10) / 10;
    const bar = (labels, label, data, colour) => ({ type: "bar", data: { labels, datasets: [{ label, data, backgroundColor: colour }] } });

    const builders = {
        submissions: d => bar(d.map(x => x.day), "Submissions", d.map(x => x.tasks), colours[0]),
        verdicts: d => ({
            type: "bar",
            data: { labels: d.assignments, datasets: d.series.map((s, i) => ({ label: s.status, data: s.counts, backgroundColor: byStatus[s.status] || colours[i % colours.length] })) },
            options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
        }),
        scenarios: d => Object.assign(bar(d.map(s => s.assignmentId + " / " + s.scenarioId), "Pass rate (%)", d.map(s => round(s.rate * 100)), colours[2]),
            { options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } } }),
        scores: d => bar(d.map(b => b.fromPercent + "–" + b.toPercent + " %"), "Completed tasks", d.map(b => b.tasks), colours[0]),
        latency: d => ({
            type: "line",
            data: {
                labels: d.map(x => x.day),
                datasets: [
                    { label: "Median wait (s)", data: d.map(x => round(x.medianWait)), borderColor: colours[0], backgroundColor: colours[0] },
                    { label: "90th percentile wait (s)", data: d.map(x => round(x.p90Wait)), borderColor: colours[5], backgroundColor: colours[5], borderDash: [6, 4] },
                    { label: "Median to result (s)", data: d.map(x => round(x.medianResult)), borderColor: colours[1], backgroundColor: colours[1] },
                    { label: "90th percentile to result (s)", data: d.map(x => round(x.p90Result)), borderColor: colours[3], backgroundColor: colours[3], borderDash: [6, 4] },
                ],
            },
        }),
        slots: d => {
            // Every host's points share one time axis; a host without a sample at a time leaves a gap.
            const times = [...new Set(d.flatMap(h => h.points.map(p => p.at)))].sort((a, b) => new Date(a) - new Date(b));
            return {
                type: "line",
                data: {
                    labels: times.map(t => local.format(new Date(t))),
                    datasets: d.map((h, i) => {
                        const at = new Map(h.points.map(p => [p.at, p.inUse]));
                        const colour = colours[i % colours.length];
                        return { label: h.host + " (" + h.slots + " slots)", data: times.map(t => at.has(t) ? at.get(t) : null), borderColor: colour, backgroundColor: colour, stepped: true };
                    }),
                },
                options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
            };
        },
    };

    for (const canvas of document.querySelectorAll("canvas[data-chart][data-src]")) {
        const build = builders[canvas.dataset.chart];
        fetch(canvas.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(response => response.ok ? response.json() : Promise.reject(new Error(response.status)))
            .then(data => {
                const config = build(data);
                config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options);
                new Chart(canvas, config);
                canvas.dataset.drawn = "true";
            })
            .catch(() => { canvas.dataset.drawn = "failed"; });
    }
})();
