/**
 * The public site's only stylesheet, inline in every page: no font, script or stylesheet from anywhere else.
 * Below 720 px the table turns into one card per entry, each cell naming its column.
 */
export const SITE_CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;color:#1d2733;background:#f6f7f9}
header{display:flex;justify-content:space-between;align-items:center;gap:12px;padding:12px 20px;background:#a51d24;color:#fff}
header .site{margin:0;font-weight:600}header a{color:#fff}
nav{display:flex;flex-wrap:wrap;gap:4px 18px;padding:8px 20px;background:#fff;border-bottom:1px solid #dde1e6}
nav a{color:#1d2733;text-decoration:none;padding:6px 0;border-bottom:3px solid transparent}nav a[aria-current=page]{border-color:#a51d24;font-weight:600}
main{max-width:1280px;margin:0 auto;padding:16px 20px 40px}h1{margin:8px 0 4px;font-size:22px}.about{margin:0 0 14px;color:#4a5561}
form{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end;padding:12px;background:#fff;border:1px solid #dde1e6;border-radius:6px;margin-bottom:14px}
label{display:flex;flex-direction:column;font-size:13px;color:#4a5561;gap:4px}label.q{flex:1 1 260px}
input,select,button{font:inherit;padding:6px 8px;border:1px solid #b9c1ca;border-radius:4px;background:#fff;min-height:36px}
button{background:#a51d24;color:#fff;border-color:#a51d24;padding:6px 18px;cursor:pointer}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dde1e6}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid #e6e9ed}th{background:#eef1f4;font-size:13px;white-space:nowrap}
td.name{font-weight:600}td.basis{max-width:360px;font-size:13px;color:#4a5561}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
.none{padding:24px;background:#fff;border:1px solid #dde1e6}.paging a,.data a{color:#a51d24}.paging{display:flex;gap:18px}
.verify{margin-top:24px;padding:12px 16px;background:#fff;border:1px solid #dde1e6;border-radius:6px}.verify h2{font-size:17px;margin:4px 0}
pre{overflow-x:auto;background:#1d2733;color:#f6f7f9;padding:8px 10px;border-radius:4px}
@media (max-width:720px){table,thead,tbody,tr,td{display:block;width:100%}thead{display:none}tr{border-bottom:6px solid #f6f7f9;padding:6px 0}
td{border:0;padding:4px 12px}td::before{content:attr(data-label);display:block;font-size:12px;color:#6b7682}td.basis{max-width:none}
main{padding:12px}header,nav{padding-left:12px;padding-right:12px}}
`;
