/* Suggestions under the search box as the shopper types: products, member
 * businesses and kecamatan from /search/saran/. Vanilla JS, no dependencies.
 *
 * Follows the WAI-ARIA combobox pattern: the input is a combobox controlling a
 * listbox; the arrow keys move through the options (aria-activedescendant),
 * Enter chooses one, Escape closes the list. Choosing a product fills the box
 * and searches; a business or a kecamatan opens its page. Without JavaScript
 * the form is a plain search form. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var MIN_CHARS = 2;

  function init(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector(".suggest");
    var status = form.querySelector("[data-suggest-status]");
    if (!input || !list || !window.fetch) return;

    var url = form.getAttribute("data-suggest-url");
    var labels = {
      products: form.getAttribute("data-label-products"),
      businesses: form.getAttribute("data-label-businesses"),
      kecamatan: form.getAttribute("data-label-kecamatan"),
      count: form.getAttribute("data-label-count"),
      none: form.getAttribute("data-label-none")
    };
    var options = [];   // [{el, kind, value, url}]
    var active = -1;
    var timer = null;
    var controller = null;
    var lastAsked = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function open() {
      if (!options.length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }

    function setActive(index) {
      if (active >= 0 && options[active]) {
        options[active].el.classList.remove("is-active");
        options[active].el.setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && options[active]) {
        var el = options[active].el;
        el.classList.add("is-active");
        el.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", el.id);
        if (el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      if (option.kind === "product") {
        input.value = option.value;
        close();
        form.submit();
      } else {
        close();
        window.location.href = option.url;
      }
    }

    function addGroup(kind, title, items) {
      if (!items.length) return;
      var group = document.createElement("div");
      group.setAttribute("role", "group");
      group.className = "suggest__group suggest__group--" + kind;
      var heading = document.createElement("div");
      heading.setAttribute("role", "presentation");
      heading.className = "suggest__heading";
      heading.id = list.id + "-" + kind;
      heading.textContent = title;
      group.setAttribute("aria-labelledby", heading.id);
      group.appendChild(heading);
      items.forEach(function (item) {
        var el = document.createElement("div");
        var option = {
          el: el,
          kind: kind,
          value: typeof item === "string" ? item : item.name,
          url: typeof item === "string" ? null : item.url
        };
        el.id = list.id + "-opt-" + options.length;
        el.setAttribute("role", "option");
        el.setAttribute("aria-selected", "false");
        el.className = "suggest__option";
        el.textContent = option.value;
        // Keep the focus in the box while the pointer chooses.
        el.addEventListener("mousedown", function (event) { event.preventDefault(); });
        el.addEventListener("click", function () { choose(option); });
        options.push(option);
        group.appendChild(el);
      });
      list.appendChild(group);
    }

    function render(data) {
      list.textContent = "";
      options = [];
      active = -1;
      addGroup("product", labels.products, data.products || []);
      addGroup("business", labels.businesses, data.businesses || []);
      addGroup("kecamatan", labels.kecamatan, data.kecamatan || []);
      if (status) status.textContent = options.length ? options.length + " " + labels.count : labels.none;
      if (options.length && document.activeElement === input) open(); else close();
    }

    function ask() {
      var prefix = input.value.trim();
      if (prefix.length < MIN_CHARS) {
        lastAsked = null;
        if (controller) controller.abort();
        list.textContent = "";
        options = [];
        if (status) status.textContent = "";
        return close();
      }
      if (prefix === lastAsked) return open();
      lastAsked = prefix;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(prefix), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          // An answer to an older prefix is dropped.
          if (data && prefix === input.value.trim()) render(data);
        })
        .catch(function () { /* aborted or offline: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === "ArrowDown" || key === "Down") {
        event.preventDefault();
        if (list.hidden) { open(); if (list.hidden) return; }
        setActive(active + 1 < options.length ? active + 1 : 0);
      } else if (key === "ArrowUp" || key === "Up") {
        event.preventDefault();
        if (list.hidden) { open(); if (list.hidden) return; }
        setActive(active > 0 ? active - 1 : options.length - 1);
      } else if (key === "Enter") {
        if (!list.hidden && active >= 0 && options[active]) {
          event.preventDefault();
          choose(options[active]);
        }
        // Otherwise the form submits the typed words as usual.
      } else if (key === "Escape" || key === "Esc") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      } else if (key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { close(); });
    input.addEventListener("focus", function () { if (options.length && input.value.trim() === lastAsked) open(); });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-suggest-url]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
