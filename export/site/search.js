// Search over the inline index: every word of the query must appear in an
// entry's folded text (lower case, no diacritics, as the app's search folds).
var special = {"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ħ": "h", "ŀ": "l"};
function fold(s) {
  return s.normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase()
    .replace(/[łđøßæœıþħŀ]/g, function (c) { return special[c]; });
}
function search(index, query) {
  var words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w !== ""; });
  if (words.length === 0) { return null; }
  var hits = [];
  for (var i = 0; i < index.length; i++) {
    var e = index[i], title = fold(e.t), all = true, score = 0;
    for (var j = 0; j < words.length; j++) {
      if (e.f.indexOf(words[j]) < 0) { all = false; break; }
      if (title.indexOf(words[j]) >= 0) { score++; }
    }
    if (all) { hits.push({e: e, score: score, i: i}); }
  }
  hits.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
  return hits.slice(0, 100).map(function (h) { return h.e; });
}
if (typeof document !== "undefined") {
  var index = JSON.parse(document.getElementById("search-index").textContent);
  var box = document.getElementById("q"), out = document.getElementById("results");
  var browse = document.getElementById("browse");
  var show = function () {
    var hits = search(index, box.value);
    out.textContent = "";
    out.hidden = hits === null;
    browse.hidden = hits !== null;
    if (hits === null) { return; }
    if (hits.length === 0) {
      var none = document.createElement("li");
      none.textContent = out.getAttribute("data-none");
      out.appendChild(none);
    }
    hits.forEach(function (e) {
      var li = document.createElement("li"), k = document.createElement("em"), a = document.createElement("a"), s = document.createElement("span");
      k.className = "kind"; k.textContent = e.k;
      a.href = e.u; a.textContent = e.t; s.textContent = e.s;
      li.appendChild(k); li.appendChild(a); li.appendChild(s);
      out.appendChild(li);
    });
  };
  box.addEventListener("input", show);
  // index.html?q=words opens with a search, so that one can be bookmarked or sent.
  var q = new URLSearchParams(location.search).get("q");
  if (q) { box.value = q; }
  if (box.value) { show(); }
}
