// Live refresh for the public status page. The page is complete without this script; with it, an
// open page listens on /hubs/status and, when something public changes, fetches itself again
// (from the server's output cache), swaps in the new content and marks what is new.
(function () {
    "use strict";
    var main = document.getElementById("main");
    if (!main || !window.signalR || !window.fetch || !window.DOMParser) return;

    var announcer = document.querySelector("[data-live-announcer]");
    var busy = false, again = false, lastVersion = null;

    function ids(root) {
        var set = {};
        root.querySelectorAll("[data-update-id]").forEach(function (e) { set[e.getAttribute("data-update-id")] = true; });
        return set;
    }

    function relative(iso) {
        var ms = Date.parse(iso) - Date.now(), abs = Math.abs(ms) / 60000, text;
        if (abs < 1) text = "less than a minute";
        else if (abs < 60) text = Math.floor(abs) + " min";
        else if (abs < 1440) text = Math.floor(abs / 60) + " h " + Math.floor(abs % 60) + " min";
        else text = Math.floor(abs / 1440) + " d " + Math.floor((abs % 1440) / 60) + " h";
        return ms >= 0 ? "in " + text : text + " ago";
    }

    function refreshRelativeTimes() {
        document.querySelectorAll("[data-relative]").forEach(function (e) { e.textContent = relative(e.getAttribute("data-relative")); });
    }

    async function refresh(version) {
        if (busy) { again = true; return; }
        busy = true;
        try {
            var url = new URL(location.href);
            url.hash = "";
            if (version) url.searchParams.set("v", version);
            var response = await fetch(url.toString(), { cache: "no-cache", credentials: "omit" });
            if (!response.ok) return;
            var next = new DOMParser().parseFromString(await response.text(), "text/html");
            var nextMain = next.getElementById("main");
            if (!nextMain) return;
            var before = ids(main);
            main.innerHTML = nextMain.innerHTML;
            main.setAttribute("data-updated", nextMain.getAttribute("data-updated") || "");
            var footer = document.querySelector(".site-footer"), nextFooter = next.querySelector(".site-footer");
            if (footer && nextFooter) {
                footer.innerHTML = nextFooter.innerHTML;
                showLiveNote(connection.state === signalR.HubConnectionState.Connected); // the server's copy comes hidden
            }
            document.title = next.title;
            var fresh = 0;
            main.querySelectorAll("[data-update-id]").forEach(function (e) {
                if (before[e.getAttribute("data-update-id")]) return;
                fresh++;
                e.classList.add("is-new");
                var heading = e.querySelector("h2, h3");
                if (heading && !heading.querySelector(".new-badge")) {
                    var badge = document.createElement("span");
                    badge.className = "new-badge";
                    badge.textContent = "New";
                    heading.prepend(badge, " ");
                }
            });
            if (announcer) announcer.textContent = fresh > 0
                ? (fresh === 1 ? "1 new update published." : fresh + " new updates published.")
                : "The status was updated.";
            document.documentElement.setAttribute("data-live-refreshed", String(Date.now()));
            refreshRelativeTimes();
        } catch (e) {
            // A failed refresh leaves the page as it was; the next update or reconnect tries again.
        } finally {
            busy = false;
            if (again) { again = false; refresh(lastVersion); }
        }
    }

    // "This page updates itself" is a promise: shown only while the hub connection is up.
    function showLiveNote(live) {
        var note = document.querySelector("[data-live-note]");
        if (note) note.hidden = !live;
    }

    var connection = new signalR.HubConnectionBuilder()
        .withUrl("/hubs/status")
        .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
        .configureLogging(signalR.LogLevel.None)
        .build();

    connection.on("updated", function (message) {
        lastVersion = message && message.version;
        // Spread a crowd's refetches over up to a second instead of one spike at the origin.
        setTimeout(function () { refresh(lastVersion); }, Math.random() * 1000);
    });
    // After a dropped connection we may have missed an update: look once.
    connection.onreconnected(function () { showLiveNote(true); refresh(lastVersion); });
    connection.onreconnecting(function () { showLiveNote(false); });
    // Automatic reconnection gave up (a long outage): keep trying at the same pace as a failed first start.
    connection.onclose(function () { showLiveNote(false); setTimeout(start, 15000); });

    function start() {
        connection.start().then(function () {
            showLiveNote(true);
            document.documentElement.setAttribute("data-live", "connected");
        }).catch(function () { setTimeout(start, 15000); });
    }
    start();
    setInterval(refreshRelativeTimes, 30000);
})();
