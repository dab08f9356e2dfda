// Shows each <time data-local> in the viewer's own time zone; the server writes UTC, which stays as the
// element's title so the exact instant is one hover away. A file, not inline script: the CSP allows only 'self'.
(function () {
    const parts = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
    const format = new Intl.DateTimeFormat(undefined, parts);
    // data-local="seconds" is for lists, where tasks a few seconds apart must be told apart.
    const withSeconds = new Intl.DateTimeFormat(undefined, Object.assign({ second: "2-digit" }, parts));
    for (const element of document.querySelectorAll("time[data-local][datetime]")) {
        const when = new Date(element.getAttribute("datetime"));
        if (!isNaN(when.getTime())) {
            element.title = element.textContent;
            element.textContent = (element.getAttribute("data-local") === "seconds" ? withSeconds : format).format(when);
        }
    }
})();
