namespace SpotifyWorker.Pipeline.Reporting;

/// <summary>
/// The page's one stylesheet, inlined: a system font stack, a restrained palette (c0..c4, shared by the charts
/// through CSS classes), light gridlines, and cards that fall into one column on narrow screens.
/// </summary>
internal static class ReportStyles
{
    public const string Css = """
        :root {
          --bg: #f5f6f8; --card: #ffffff; --border: #e2e5e9; --text: #1f2933; --muted: #5f6b7a;
          --c0: #3b6ea5; --c1: #d9822b; --c2: #9db4cc; --c3: #b5452f; --c4: #4f8a6f;
          --ok: #2f7d4f; --warn: #b7791f; --bad: #b5452f;
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--text);
          font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
        header.page, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
        header.page { padding-top: 28px; padding-bottom: 8px; }
        h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; }
        h2 { font-size: 17px; margin: 32px 0 12px; font-weight: 650; }
        h3 { font-size: 15px; margin: 0 0 2px; font-weight: 650; }
        .meta, .desc, footer { color: var(--muted); }
        .desc { margin: 0 0 10px; font-size: 13px; }
        .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-top: 16px; }
        .stat { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 12px 16px; }
        .stat-value { display: block; white-space: nowrap; font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .stat-label { color: var(--muted); font-size: 13px; }
        .stat-note { display: block; color: var(--muted); font-size: 12px; }
        .stat.warn .stat-value { color: var(--warn); }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 540px), 1fr)); gap: 16px; align-items: start; }
        .card { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 16px 18px; margin: 0; min-width: 0; }
        .card.wide { grid-column: 1 / -1; }
        .empty { color: var(--muted); font-style: italic; padding: 24px 0; }
        details { margin-top: 8px; font-size: 13px; }
        summary { cursor: pointer; color: var(--muted); }
        .scroll { max-height: 340px; overflow: auto; margin-top: 8px; border: 1px solid var(--border); border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
        th { background: #f0f2f5; font-weight: 600; position: sticky; top: 0; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        td.error { color: var(--bad); max-width: 420px; overflow-wrap: anywhere; }
        code { font-size: 12px; background: #f0f2f5; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
        .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--muted); }
        .badge.succeeded { background: var(--ok); }
        .badge.failed { background: var(--bad); }
        .badge.yielded, .badge.cancelled { background: var(--warn); }
        footer { padding-top: 24px; padding-bottom: 32px; font-size: 13px; }
        svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
        svg.chart text { font-family: inherit; }
        svg.chart .grid { stroke: #e6e9ed; stroke-width: 1; }
        svg.chart .axis { stroke: #9aa5b1; stroke-width: 1; }
        svg.chart .tick { font-size: 11px; fill: var(--muted); }
        svg.chart .axis-title { font-size: 12px; fill: #3e4c59; font-weight: 600; }
        svg.chart .legend, svg.chart .bar-label { font-size: 12px; fill: var(--text); }
        svg.chart .value { font-size: 11px; fill: var(--muted); }
        svg.chart .line { fill: none; stroke-width: 2; stroke-linejoin: round; }
        svg.chart .point { stroke: #fff; stroke-width: 1; }
        svg.chart .band { opacity: 0.45; }
        svg.chart .mark:hover { opacity: 0.75; }
        svg.chart .c0 { fill: var(--c0); } svg.chart .line.c0 { stroke: var(--c0); fill: none; }
        svg.chart .c1 { fill: var(--c1); } svg.chart .line.c1 { stroke: var(--c1); fill: none; }
        svg.chart .c2 { fill: var(--c2); } svg.chart .line.c2 { stroke: var(--c2); fill: none; }
        svg.chart .c3 { fill: var(--c3); } svg.chart .line.c3 { stroke: var(--c3); fill: none; }
        svg.chart .c4 { fill: var(--c4); } svg.chart .line.c4 { stroke: var(--c4); fill: none; }
        """;
}
