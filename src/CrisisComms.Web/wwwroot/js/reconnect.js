// Words and persistence for the staff reconnect banner (Components/Layout/ReconnectBanner.razor).
// blazor.web.js retries on its own; when it gives up we keep trying every few seconds and when the
// tab becomes visible again, and reload only if the server no longer has the session.
(function () {
    "use strict";
    var banner = document.getElementById("components-reconnect-modal");
    if (!banner) return;
    var text = banner.querySelector("[data-reconnect-text]");
    var retryButton = banner.querySelector("[data-reconnect-retry]");
    var timer = null;

    function say(message, showRetry) {
        text.textContent = message;
        retryButton.hidden = !showRetry;
        banner.setAttribute("data-state-text", message);
    }

    async function retry() {
        clearTimeout(timer);
        say("Reconnecting…", false);
        try {
            var ok = await Blazor.reconnect();
            if (!ok) location.reload(); // the server forgot this session (for example after a restart)
        } catch (e) {
            schedule();
        }
    }

    function schedule() {
        say("Still offline. Trying again in a few seconds… your changes on this page are kept.", true);
        clearTimeout(timer);
        timer = setTimeout(retry, 5000);
    }

    retryButton.addEventListener("click", retry);
    document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible" && banner.classList.contains("components-reconnect-failed")) retry();
    });

    banner.addEventListener("components-reconnect-state-changed", function (event) {
        var state = event.detail && event.detail.state;
        document.documentElement.setAttribute("data-connection", state || "");
        if (state === "show" || state === "retrying") say("Connection lost. Reconnecting… your changes on this page are kept.", false);
        else if (state === "failed") schedule();
        else if (state === "rejected" || state === "resume-failed") location.reload();
        else if (state === "hide") clearTimeout(timer);
    });
})();
