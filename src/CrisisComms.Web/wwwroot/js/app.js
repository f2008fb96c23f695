// Small helpers the staff UI calls through JS interop. No inline script: the CSP allows only files from this origin.
window.crisisComms = {
    setTheme: function (value) {
        document.cookie = "cc-theme=" + encodeURIComponent(value) + "; path=/; max-age=31536000; samesite=lax";
    }
};
