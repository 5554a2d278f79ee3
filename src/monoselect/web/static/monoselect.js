// Shared by every page: read a form, run a job with progress, show an error by its field.
"use strict";

const monoselect = (() => {
  // the non-empty fields of a form, as the JSON body the API takes (the CLI's flags)
  function formBody(form) {
    const body = {};
    for (const input of form.querySelectorAll("input, select")) {
      if (!input.name) continue;
      if (input.type === "checkbox") {
        if (input.name === "inverse" && input.checked) body.mode = "inverse";
        continue;
      }
      const value = input.value.trim();
      if (value !== "") body[input.name] = value;
    }
    return body;
  }

  function duration(seconds) {
    if (seconds == null) return "";
    if (seconds >= 7200) return (seconds / 3600).toFixed(1) + " h";
    if (seconds >= 120) return (seconds / 60).toFixed(1) + " min";
    return seconds.toFixed(1) + " s";
  }

  function percent(x) {
    return x == null ? "n/a" : (100 * x).toFixed(1) + " %";
  }

  function showError(form, box, err) {
    for (const bad of form.querySelectorAll(".bad")) bad.classList.remove("bad");
    if (!err) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    box.hidden = false;
    box.textContent = err.error || err.message || String(err);
    box.dataset.field = err.field || "";
    const name = (err.field || "").split(".")[0];
    const input = name && form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) {
      input.classList.add("bad");
      input.focus();
    }
  }

  // POST body to url; after a second, say what is running (and how far, when it reports)
  async function runJob(url, body, status) {
    const job = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
      b.toString(16).padStart(2, "0")).join("");
    const started = performance.now();
    let timer = null;
    const tick = async () => {
      const elapsed = ((performance.now() - started) / 1000).toFixed(0);
      let text = `running... ${elapsed} s`;
      try {
        const r = await fetch(`/api/progress/${job}`);
        if (r.ok) {
          const p = await r.json();
          if (p.total > 0) text = `running... ${p.done} of ${p.total} done, ${elapsed} s`;
        }
      } catch (e) { /* the answer is on its way */ }
      if (timer !== null) status.textContent = text;
    };
    status.textContent = "";
    status.classList.add("busy");
    timer = setTimeout(function again() { tick(); timer = setTimeout(again, 500); }, 1000);
    try {
      const response = await fetch(`${url}${url.includes("?") ? "&" : "?"}job=${job}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      if (!response.ok) throw data;
      return data;
    } finally {
      clearTimeout(timer);
      timer = null;
      status.classList.remove("busy");
      status.textContent = `done in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    }
  }

  function row(tbody, cells) {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = cell;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
    return tr;
  }

  function list(ul, items) {
    ul.replaceChildren();
    for (const text of items.length ? items : ["none"]) {
      const li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    }
  }

  function downloadLink(a, data) {
    if (a.href) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(
      new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  }

  // Plotly (the 1.2 MB basic bundle, static/vendor) loads when a page first plots, not with
  // every page: the form is ready at once, and a Run starts the load while the server computes
  let plotlyLoad = null;
  function plotly() {
    if (!plotlyLoad) {
      plotlyLoad = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = "/static/vendor/plotly-basic.min.js";
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => {
          plotlyLoad = null; // the next plot tries again
          script.remove();
          reject(new Error("the plotting library did not load"));
        };
        document.head.appendChild(script);
      });
    }
    return plotlyLoad;
  }

  // draw(Plotly) into ``target`` once the library is there; a plot that fails says so in its
  // place and the tables already shown stay
  async function drawPlot(target, draw) {
    try {
      const Plotly = await plotly();
      if (!target.classList.contains("js-plotly-plot")) target.replaceChildren(); // an old note
      draw(Plotly);
    } catch (err) {
      target.textContent = `the plot could not be drawn (${err.message}); the tables hold the result`;
    }
  }

  // a form's Run: the button off while ``work`` runs, the old error cleared, a new one shown
  function onSubmit(form, errorBox, work) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = document.getElementById("run");
      button.disabled = true;
      showError(form, errorBox, null);
      try {
        await work();
      } catch (err) {
        showError(form, errorBox, err);
      } finally {
        button.disabled = false;
      }
    });
  }

  return {
    formBody, duration, percent, showError, runJob, row, list, downloadLink, onSubmit, plotly,
    drawPlot,
  };
})();
