// The simulate page: live structure preview, run, split, time course, notes.
"use strict";

(() => {
  const form = document.getElementById("simulate-form");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const image = document.getElementById("structure");
  const structureError = document.getElementById("structure-error");
  const COLOURS = { SM: "#7f7f7f", mono: "#1f77b4", bis: "#d62728" };

  let previewTimer = null;
  let previewSeq = 0;
  async function preview() {
    const seq = ++previewSeq;
    const body = {
      substrate: form.substrate.value.trim(),
      electrophile: form.electrophile.value.trim(),
    };
    try {
      const r = await fetch("/api/structure", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await r.json();
      if (seq !== previewSeq) return; // a newer keystroke won
      if (!r.ok) throw data;
      // an <img> cannot run script, whatever the SVG holds
      image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data.svg);
      image.hidden = false;
      image.dataset.species = data.species.map((s) => s.label).join(" ");
      image.dataset.drawn = `${body.substrate} + ${body.electrophile}`;
      structureError.hidden = true;
    } catch (err) {
      if (seq !== previewSeq) return;
      image.hidden = true;
      structureError.hidden = false;
      structureError.textContent = err.error || String(err);
    }
  }
  for (const name of ["substrate", "electrophile"]) {
    form[name].addEventListener("input", () => {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(preview, 350);
    });
  }

  // the optional editor: OpenChemLib, shipped in the package, loaded on first use only
  let editor = null;
  document.getElementById("draw").addEventListener("click", async () => {
    const box = document.getElementById("editor-box");
    box.hidden = !box.hidden;
    if (box.hidden || editor) return;
    const OCL = await import("/static/vendor/openchemlib.js");
    editor = new OCL.CanvasEditor(document.getElementById("editor"), { initialMode: "molecule" });
    try {
      editor.setMolecule(OCL.Molecule.fromSmiles(form.substrate.value.trim()));
    } catch (e) { /* a name, not a SMILES: start empty */ }
    editor.setOnChangeListener(({ isUserEvent }) => {
      if (!isUserEvent) return;
      const smiles = editor.getMolecule().toSmiles();
      if (!smiles || smiles === form.substrate.value) return;
      form.substrate.value = smiles;
      clearTimeout(previewTimer);
      previewTimer = setTimeout(preview, 350);
    });
    window.monoselectEditor = { editor, OCL }; // for the browser test
  });

  function timeAxis(seconds) {
    const end = seconds[seconds.length - 1] || 0;
    if (end >= 7200) return [seconds.map((t) => t / 3600), "time (h)"];
    if (end >= 120) return [seconds.map((t) => t / 60), "time (min)"];
    return [seconds, "time (s)"];
  }

  async function plot(data) {
    const target = document.getElementById("plot");
    const course = data.time_course;
    let traces;
    let layout;
    if (course && course.time_s && course.fractions) {
      const [x, label] = timeAxis(course.time_s);
      traces = Object.entries(course.fractions).map(([name, y]) => ({
        x, y, name, type: "scatter", mode: "lines",
        line: { width: 2.5, color: COLOURS[name] },
      }));
      layout = { xaxis: { title: { text: label } } };
    } else {
      const f = data.split.fractions;
      traces = [{ x: Object.keys(f), y: Object.values(f), type: "bar",
        marker: { color: Object.keys(f).map((k) => COLOURS[k] || "#2ca02c") } }];
      layout = { xaxis: { title: { text: "species (end of run)" } } };
    }
    await monoselect.drawPlot(target, (Plotly) => Plotly.newPlot(target, traces, {
      ...layout,
      yaxis: { title: { text: "fraction of diamine units" }, range: [0, 1.02] },
      margin: { l: 60, r: 10, t: 30, b: 50 },
      legend: { orientation: "h", y: 1.12 },
    }, { displaylogo: false, responsive: true }));
  }

  async function show(data) {
    const s = data.scenario;
    document.getElementById("result-title").textContent =
      `${s.substrate} + ${s.eq} eq ${s.electrophile}` +
      (s.addition_time_s ? `, fed over ${monoselect.duration(s.addition_time_s)}` : ", one portion");
    const tbody = document.querySelector("#split tbody");
    tbody.replaceChildren();
    for (const [name, value] of Object.entries(data.split.fractions)) {
      const tr = monoselect.row(tbody, [name, monoselect.percent(value)]);
      tr.dataset.species = name;
      tr.dataset.value = String(value);
    }
    const yields = document.querySelector("#yields tbody");
    yields.replaceChildren();
    monoselect.row(yields, ["mono yield on substrate", monoselect.percent(data.split.mono_yield_on_substrate)]);
    monoselect.row(yields, ["mono yield on electrophile", monoselect.percent(data.split.mono_yield_on_electrophile)]);
    const solid = document.getElementById("precipitate");
    const solids = solid.querySelector("tbody");
    solids.replaceChildren();
    for (const [name, v] of Object.entries(data.precipitate || {})) {
      const tr = monoselect.row(solids, [name, `${(v.mol * 1e3).toPrecision(3)} mmol`, `${v.eq.toFixed(3)} eq`]);
      tr.dataset.salt = name;
      tr.dataset.mol = String(v.mol);
    }
    solid.hidden = !data.precipitate;
    monoselect.list(document.getElementById("warnings"), data.warnings);
    monoselect.list(document.getElementById("assumptions"), data.assumptions);
    monoselect.downloadLink(document.getElementById("download"), data);
    document.getElementById("result").hidden = false;
    await plot(data);
  }

  // a scenario file fills the form; what the form has no box for (feed, steric, linker...)
  // is kept and sent with the run
  let extras = {};
  const fileNote = document.getElementById("file-note");
  document.getElementById("scenario-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file);
    monoselect.showError(form, errorBox, null);
    try {
      const r = await fetch("/api/scenario-file", { method: "POST", body: data });
      const answer = await r.json();
      if (!r.ok) throw answer;
      extras = {};
      for (const input of form.querySelectorAll("input[name]")) {
        if (input.type === "checkbox") input.checked = false;
        else input.value = "";
      }
      for (const [key, value] of Object.entries(answer.scenario)) {
        const input = form.querySelector(`input[name="${CSS.escape(key)}"]`);
        if (key === "mode") form.inverse.checked = value === "inverse";
        else if (input && (typeof value !== "object" || value === null)) input.value = String(value);
        else extras[key] = value;
      }
      const kept = Object.keys(extras);
      fileNote.hidden = false;
      fileNote.textContent = `from ${answer.name}` +
        (kept.length ? `; also sent with the run: ${kept.join(", ")}` : "");
      preview();
    } catch (err) {
      monoselect.showError(form, errorBox, err);
    } finally {
      event.target.value = "";
    }
  });

  monoselect.onSubmit(form, errorBox, async () => {
    const body = { ...extras, ...monoselect.formBody(form) };
    const url = document.getElementById("save").checked ? "/api/simulate?save=true" : "/api/simulate";
    monoselect.plotly().catch(() => {}); // loads while the server computes
    await show(await monoselect.runJob(url, body, status));
  });

  preview();
})();
