// A help-desk page: send the command's file (the text box) and show its own report.
"use strict";

(() => {
  const form = document.getElementById("desk-form");
  const command = form.dataset.command;
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const types = { html: "text/html", md: "text/markdown", pdf: "application/pdf" };

  async function download(format) {
    const data = await monoselect.runJob(
      "/api/desk", { command, input: document.getElementById("input").value, report: format },
      status);
    const rep = data.report;
    const bytes = rep.base64
      ? Uint8Array.from(atob(rep.base64), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(rep.text);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([bytes], { type: types[format] }));
    a.download = `plan.${format}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  monoselect.onSubmit(form, errorBox, async () => {
    const data = await monoselect.runJob(
      "/api/desk", { command, input: document.getElementById("input").value }, status);
    // the command's own rendering, made by the server from its result (no user HTML)
    document.getElementById("view").innerHTML = data.html;
    const picture = document.getElementById("picture");
    picture.innerHTML = data.svg || "";  // drawn by the server (matplotlib), no user markup
    picture.hidden = !data.svg;
    const link = document.getElementById("download");
    monoselect.downloadLink(link, data.result);
    link.hidden = false;
    const reports = document.getElementById("reports");
    if (reports) reports.hidden = false;
    document.getElementById("result").hidden = false;
  });

  for (const format of ["html", "md", "pdf"]) {
    const link = document.getElementById(`report-${format}`);
    if (!link) continue;
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      monoselect.showError(form, errorBox, null);
      try {
        await download(format);
      } catch (err) {
        monoselect.showError(form, errorBox, err);
      }
    });
  }
})();
