// The page of `icls serve`: each picked or dropped image is sent on its own to predict, so that
// one bad file costs only its own card. Addresses are relative to the page (its <base>), which
// keeps the page working under a host app's route prefix.
"use strict";

const dropZone = document.getElementById("drop-zone");
const fileInput = document.getElementById("file-input");
const results = document.getElementById("results");
const modelInfo = document.getElementById("model-info");

async function describeModel() {
  try {
    const response = await fetch("models");
    const model = (await response.json()).models[0];
    const size = model.input_size ? `, input ${model.input_size[0]}x${model.input_size[1]}` : "";
    modelInfo.textContent = `${model.name} (${model.runtime}): ${model.num_classes} classes, ${model.channels === 1 ? "grayscale" : "colour"}${size}`;
  } catch (error) {
    modelInfo.textContent = `The model cannot be described: ${error}`;
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function showScores(card, prediction) {
  const list = element("div", "scores");
  prediction.topk.forEach((score, index) => {
    const row = element("div", index === 0 ? "score best" : "score");
    row.append(element("span", index === 0 ? "class pred-class" : "class", score.class));
    const bar = element("span", "bar");
    const fill = element("span", "fill");
    fill.style.width = `${(score.score * 100).toFixed(1)}%`;
    fill.style.display = "block";
    bar.append(fill);
    row.append(bar, element("span", "value", `${(score.score * 100).toFixed(1)}%`));
    list.append(row);
  });
  card.append(list);
}

async function classify(file) {
  const card = element("article", "card");
  const image = element("img");
  image.alt = file.name;
  image.src = URL.createObjectURL(file);
  const status = element("div", "status", "Classifying\u2026");
  card.append(image, element("div", "name", file.name), status);
  results.prepend(card);

  const form = new FormData();
  form.append("image", file, file.name);
  try {
    const response = await fetch("predict", { method: "POST", body: form });
    const answer = await response.json();
    if (!response.ok) {
      card.classList.add("failed");
      status.textContent = `Error ${response.status}: ${answer.detail || answer.title || response.statusText}`;
      return;
    }
    status.textContent = "";
    card.classList.add("done");
    showScores(card, answer.predictions[0]);
  } catch (error) {
    card.classList.add("failed");
    status.textContent = `The request failed: ${error}`;
  }
}

function classifyAll(files) {
  for (const file of files) {
    classify(file);
  }
}

fileInput.addEventListener("change", () => {
  classifyAll(fileInput.files);
  fileInput.value = "";
});

dropZone.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropZone.classList.add("dragging");
});

dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));

dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("dragging");
  classifyAll(event.dataTransfer.files);
});

describeModel();
