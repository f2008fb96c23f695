// Small helpers the staff UI calls through JS interop. No inline script: the CSP allows only files from this origin.
window.crisisComms = {
    // Light or dark: remembered in a cookie (App.razor links the right stylesheet on the next visit) and applied
    // now by pointing the theme link at the other variant of the staff theme's CSS.
    setTheme: function (value) {
        document.cookie = "cc-theme=" + encodeURIComponent(value) + "; path=/; max-age=31536000; samesite=lax";
        var link = document.getElementById("staff-theme");
        if (link) {
            var href = link.getAttribute(value === "dark" ? "data-dark" : "data-light");
            if (href) link.setAttribute("href", href);
        }
    },
    // The tab's title once a page is interactive (Components/Shared/DocumentTitle.razor).
    setTitle: function (value) {
        document.title = value;
    }
};
