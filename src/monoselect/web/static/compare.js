// The compare page: run every applicable protocol, show the ranking and a bar chart.
"use strict";

(() => {
  const form = document.getElementById("compare-form");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");

  async function show(data) {
    document.getElementById("ranked-by").textContent = `by ${data.ranked_by}`;
    const tbody = document.querySelector("#ranking tbody");
    tbody.replaceChildren();
    data.ranking.forEach((r, i) => {
      const tr = monoselect.row(tbody, [
        String(i + 1), r.label, monoselect.percent(r.mono_yield_on_substrate),
        monoselect.percent(r.mono_yield_on_electrophile), monoselect.percent(r.bis),
        monoselect.percent(r.sm_left), monoselect.duration(r.time_s), String(r.steps),
        (r.notes || []).join("; "),
      ]);
      tr.dataset.protocol = r.protocol;
      tr.dataset.mono = String(r.mono_yield_on_substrate);
    });
    const failed = document.getElementById("failed");
    failed.hidden = data.failed.length === 0;
    failed.textContent = data.failed.map((f) => `${f.protocol} could not run: ${f.error}`).join("\n");
    monoselect.downloadLink(document.getElementById("download"), data);
    const labels = data.ranking.map((r) => r.label);
    document.getElementById("result").hidden = false;
    const target = document.getElementById("plot");
    await monoselect.drawPlot(target, (Plotly) => Plotly.newPlot(target, [
      { x: labels, y: data.ranking.map((r) => r.mono_yield_on_substrate), name: "mono on diamine", type: "bar" },
      { x: labels, y: data.ranking.map((r) => r.mono_yield_on_electrophile), name: "mono on electrophile", type: "bar" },
      { x: labels, y: data.ranking.map((r) => r.bis), name: "bis", type: "bar", marker: { color: "#d62728" } },
    ], {
      barmode: "group",
      xaxis: { automargin: true }, // long protocol names, tilted, stay inside the box
      yaxis: { title: { text: "fraction" }, range: [0, 1.02] },
      margin: { l: 60, r: 10, t: 30, b: 80 },
      legend: { orientation: "h", y: 1.12 },
    }, { displaylogo: false, responsive: true }));
  }

  monoselect.onSubmit(form, errorBox, async () => {
    const url = document.getElementById("save").checked ? "/api/compare?save=true" : "/api/compare";
    monoselect.plotly().catch(() => {}); // loads while the server computes
    await show(await monoselect.runJob(url, monoselect.formBody(form), status));
  });
})();
