// Progress bars of a letter's lines: the width from the data-width attribute (no inline style under the CSP).
document.querySelectorAll(".bar span[data-width]").forEach((bar) => {
  const width = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0));
  bar.style.width = `${width}%`;
});
