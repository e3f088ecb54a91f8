/* The Ledger: previews in place. Hovering, focusing or tapping a citation [n] shows its reference
   in a card beside it (and a "Position X" link the position's claim, confidence and its reason), so a reader
   checks a source without leaving the paragraph. The card is a copy of what the page already
   holds (the References entry, the position's heading, or, for a position on another page, the
   claim, confidence and reason written into the link's data-claim, data-confidence and data-reason at build
   time, the reason without its citations, which are on the position's page):
   nothing is fetched. Without this file the links jump as they always did; a mouse click still does. */
(function () {
  "use strict";

  var HOVER_DELAY = 250;
  var LEAVE_DELAY = 300;
  var narrow = window.matchMedia("(max-width: 40rem)");
  var card = null;      // the open card, if any
  var trigger = null;   // the link it belongs to
  var hoverTimer = null;
  var leaveTimer = null;
  var pointerType = "";
  var returning = false; // focus going back to the link of a card just closed: do not reopen it

  /** The element a link previews (a References entry or a position), or null if it has no preview. */
  function targetOf(link) {
    var hash = link.getAttribute("href");
    if (!hash || link.closest(".preview")) return null;
    if (link.hasAttribute("data-claim")) return link; // a position on another page (thread matrix, /updates/)
    if (hash.charAt(0) !== "#") return null;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return null;
    if (/^ref-\d+$/.test(target.id) && target.closest(".references") && !link.closest(".references")) return target;
    if (target.matches("section.position") && !link.closest(".position-summary, .contents, .position-letter, .preview")) return target;
    return null;
  }

  function copyWithoutIds(node) {
    var copy = node.cloneNode(true);
    if (copy.removeAttribute) copy.removeAttribute("id");
    if (copy.querySelectorAll) copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    return copy;
  }

  /** The card's label and body for a References entry: the entry itself, without its back-links. */
  function referenceContent(entry) {
    var body = copyWithoutIds(entry);
    body.querySelectorAll(".backlinks").forEach(function (el) { el.remove(); });
    var box = document.createElement("div");
    while (body.firstChild) box.appendChild(body.firstChild);
    return { label: "Reference " + entry.id.slice(4), body: box, more: "Go to reference " + entry.id.slice(4) + " in the list" };
  }

  /** The card's label and body for a position: its claim, confidence and why it has that confidence. */
  function positionContent(section) {
    var heading = section.querySelector("h2");
    var letter = heading.querySelector(".position-letter");
    var name = letter ? letter.textContent.replace(/:\s*$/, "") : "Position";
    var claim = document.createElement("p");
    claim.className = "preview-claim";
    heading.childNodes.forEach(function (child) {
      if (child !== letter) claim.appendChild(copyWithoutIds(child));
    });
    claim.textContent = claim.textContent.trim();
    var box = document.createElement("div");
    box.appendChild(claim);
    var badge = section.querySelector(".position-meta .badge");
    if (badge) {
      var meta = document.createElement("p");
      meta.appendChild(copyWithoutIds(badge));
      box.appendChild(meta);
    }
    var reason = section.querySelector(".confidence-reason");
    if (reason) box.appendChild(copyWithoutIds(reason));
    return { label: name, body: box, more: "Go to " + name };
  }

  /** The card's label and body for a link carrying a position's claim and confidence (data-claim). */
  function claimContent(link) {
    var name = link.textContent.trim();
    var claim = document.createElement("p");
    claim.className = "preview-claim";
    claim.textContent = link.getAttribute("data-claim");
    var box = document.createElement("div");
    var question = link.getAttribute("data-question"); // the matrix's column, whose header may be out of view
    if (question) {
      var asked = document.createElement("p");
      asked.className = "preview-question";
      asked.textContent = question;
      box.appendChild(asked);
    }
    box.appendChild(claim);
    var level = link.getAttribute("data-confidence");
    if (level) {
      var meta = document.createElement("p");
      var badge = document.createElement("span");
      badge.className = "badge confidence confidence-" + level;
      var label = document.createElement("span");
      label.className = "badge-label";
      label.textContent = "Confidence:";
      badge.appendChild(label);
      badge.appendChild(document.createTextNode(" " + level.charAt(0).toUpperCase() + level.slice(1)));
      meta.appendChild(badge);
      box.appendChild(meta);
      var why = link.getAttribute("data-reason"); // its citations are on the position's page: the card's link
      if (why) {
        var reason = document.createElement("p");
        reason.className = "confidence-reason";
        var whyLabel = document.createElement("span");
        whyLabel.className = "label";
        whyLabel.textContent = "Why " + level + ":";
        reason.appendChild(whyLabel);
        reason.appendChild(document.createTextNode(" " + why));
        box.appendChild(reason);
      }
    }
    return { label: name, body: box, more: "Go to " + name };
  }

  function build(link, target) {
    var content = target === link ? claimContent(link)
      : target.matches("section.position") ? positionContent(target) : referenceContent(target);
    var box = document.createElement("div");
    box.className = "preview";
    box.id = "ledger-preview";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-labelledby", "ledger-preview-label");
    box.setAttribute("aria-describedby", "ledger-preview-body");
    var head = document.createElement("div");
    head.className = "preview-head";
    var label = document.createElement("p");
    label.className = "preview-label";
    label.id = "ledger-preview-label";
    label.textContent = content.label;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "preview-close";
    close.setAttribute("aria-label", "Close preview");
    close.textContent = "×";
    close.tabIndex = -1; // the keyboard closes with Escape: Tab stops only at the source's own links
    close.addEventListener("click", function () { hide(true); });
    head.appendChild(label);
    head.appendChild(close);
    content.body.className = "preview-body";
    content.body.id = "ledger-preview-body";
    var more = document.createElement("p");
    more.className = "preview-more";
    var jump = document.createElement("a");
    jump.href = link.getAttribute("href");
    jump.textContent = content.more;
    jump.tabIndex = -1; // Enter on the citation itself jumps there
    jump.addEventListener("click", function () { hide(false); });
    more.appendChild(jump);
    box.appendChild(head);
    box.appendChild(content.body);
    box.appendChild(more);
    box.addEventListener("pointerover", function () { window.clearTimeout(leaveTimer); });
    box.addEventListener("pointerout", leaving);
    return box;
  }

  /** Beside the link (below it, or above when there is more room there); a sheet at the bottom on phones. */
  function place(box, link) {
    box.style.top = box.style.left = "";
    var margin = 8;
    var at = link.getBoundingClientRect();
    var size = box.getBoundingClientRect();
    if (narrow.matches) {
      // The sheet must not cover the citation it explains: scroll the page up above it if it would.
      var hidden = at.bottom + margin - size.top;
      if (hidden > 0) window.scrollBy(0, hidden);
      return;
    }
    var left = Math.max(margin, Math.min(at.left, document.documentElement.clientWidth - size.width - margin));
    var below = window.innerHeight - at.bottom;
    var top = below < size.height + margin && at.top > below ? at.top - size.height - 6 : at.bottom + 6;
    var parent = box.offsetParent;
    var origin = { left: -window.scrollX, top: -window.scrollY };
    if (parent && parent !== document.body && parent !== document.documentElement) {
      var rect = parent.getBoundingClientRect();
      origin = { left: rect.left - parent.scrollLeft, top: rect.top - parent.scrollTop };
    }
    box.style.left = left - origin.left + "px";
    box.style.top = top - origin.top + "px";
  }

  function show(link, target) {
    window.clearTimeout(hoverTimer);
    window.clearTimeout(leaveTimer);
    if (trigger === link) return;
    hide(false);
    card = build(link, target);
    trigger = link;
    // Right after the link (after its <sup>), so Tab goes from the link into the card; after a box that
    // scrolls (the thread matrix), which would clip it.
    var anchor = link.closest(".matrix-wrap") ||
      (link.parentElement && link.parentElement.matches("sup") ? link.parentElement : link);
    anchor.insertAdjacentElement("afterend", card);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", card.id);
    link.setAttribute("aria-describedby", "ledger-preview-body");
    place(card, link);
  }

  /** Closes the card; ``refocus``: give focus back to its link (Escape, the close button). */
  function hide(refocus) {
    window.clearTimeout(hoverTimer);
    window.clearTimeout(leaveTimer);
    if (!card) return;
    var link = trigger;
    var hadFocus = card.contains(document.activeElement);
    card.remove();
    card = trigger = null;
    link.setAttribute("aria-expanded", "false");
    link.removeAttribute("aria-controls");
    link.removeAttribute("aria-describedby");
    if (refocus || hadFocus) {
      returning = true;
      link.focus();
      returning = false;
    }
  }

  function linkAt(node) {
    var link = node && node.closest ? node.closest("a[href]") : null;
    return link && targetOf(link) ? link : null;
  }

  function within(node) {
    return node && ((card && card.contains(node)) || (trigger && trigger.contains(node)));
  }

  function leaving(event) {
    if (event.pointerType !== "mouse" || within(event.relatedTarget)) return;
    window.clearTimeout(hoverTimer);
    window.clearTimeout(leaveTimer);
    leaveTimer = window.setTimeout(function () { hide(false); }, LEAVE_DELAY);
  }

  document.addEventListener("pointerdown", function (event) { pointerType = event.pointerType; }, true);

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType !== "mouse") return;
    var link = linkAt(event.target);
    if (!link) return;
    window.clearTimeout(leaveTimer);
    if (link === trigger) return;
    window.clearTimeout(hoverTimer);
    hoverTimer = window.setTimeout(function () { show(link, targetOf(link)); }, HOVER_DELAY);
  });

  document.addEventListener("pointerout", function (event) {
    if (linkAt(event.target)) leaving(event);
  });

  // A tap opens the card (a second tap on the same citation closes it); its last link jumps.
  // A mouse click or Enter jumps to the reference, as without this script.
  document.addEventListener("click", function (event) {
    var link = linkAt(event.target);
    if (link && (pointerType === "touch" || pointerType === "pen") && event.detail > 0) {
      event.preventDefault();
      if (link === trigger) hide(false);
      else show(link, targetOf(link));
      return;
    }
    if (card && !card.contains(event.target)) hide(false);
  });

  document.addEventListener("focusin", function (event) {
    var link = linkAt(event.target);
    if (link && !returning && link.matches(":focus-visible")) show(link, targetOf(link));
    else if (card && !within(event.target)) hide(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && card) {
      event.preventDefault();
      hide(within(document.activeElement));
    }
  });

  window.addEventListener("resize", function () { if (card) place(card, trigger); });
})();
