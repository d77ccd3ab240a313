// Waymark Outfitters demo shop: cart in localStorage, newsletter thank-you, a tiny history router
// (spa.html), a hash router (hash.html) and the "Erase my data" button. Plain ES2019, no inline
// handlers, so the shop runs under a strict Content-Security-Policy. Tracking itself is declarative
// (data-wm-track, data-wm-pref, data-wm-form) and done by the Waymark snippet, not by this file.
(function () {
  'use strict';

  var CART_KEY = 'waymark-demo-cart';

  function readCart() {
    try {
      var items = JSON.parse(localStorage.getItem(CART_KEY) || '[]');
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function writeCart(items) {
    try {
      localStorage.setItem(CART_KEY, JSON.stringify(items));
    } catch (e) {
      /* storage full or blocked: the cart just does not persist */
    }
    renderCount();
    renderCart();
  }

  function money(n) {
    return '$' + n.toFixed(2);
  }

  function renderCount() {
    var n = readCart().reduce(function (sum, item) {
      return sum + item.qty;
    }, 0);
    document.querySelectorAll('[data-cart-count]').forEach(function (el) {
      el.textContent = String(n);
    });
  }

  function setStatus(selector, text) {
    var el = document.querySelector(selector);
    if (el) el.textContent = text;
  }

  function addToCart(button) {
    var sku = button.getAttribute('data-sku');
    if (!sku) return;
    var items = readCart();
    var found = items.filter(function (item) {
      return item.sku === sku;
    })[0];
    if (found) {
      found.qty += 1;
    } else {
      items.push({
        sku: sku,
        name: button.getAttribute('data-name') || sku,
        price: Number(button.getAttribute('data-price') || 0),
        href: location.pathname,
        qty: 1,
      });
    }
    writeCart(items);
    setStatus('[data-cart-status]', 'Added to your cart.');
  }

  function removeFromCart(sku) {
    writeCart(
      readCart().filter(function (item) {
        return item.sku !== sku;
      }),
    );
  }

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function renderCart() {
    var body = document.querySelector('[data-cart-items]');
    if (!body) return;
    var items = readCart();
    var table = document.querySelector('[data-cart-table]');
    var empty = document.querySelector('[data-cart-empty]');
    body.textContent = '';
    var total = 0;
    items.forEach(function (item) {
      var tr = document.createElement('tr');
      var name = document.createElement('td');
      var link = document.createElement('a');
      link.href = item.href;
      link.textContent = item.name;
      name.appendChild(link);
      tr.appendChild(name);
      tr.appendChild(cell(item.sku, 'meta'));
      tr.appendChild(cell(String(item.qty), 'num'));
      tr.appendChild(cell(money(item.price * item.qty), 'num'));
      var actions = document.createElement('td');
      actions.className = 'num';
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'btn link';
      remove.textContent = 'Remove';
      remove.setAttribute('data-remove', item.sku);
      remove.setAttribute('data-wm-track', 'remove_from_cart');
      remove.setAttribute('data-wm-props', JSON.stringify({ sku: item.sku }));
      actions.appendChild(remove);
      tr.appendChild(actions);
      body.appendChild(tr);
      total += item.price * item.qty;
    });
    if (table) table.hidden = items.length === 0;
    if (empty) empty.hidden = items.length > 0;
    setStatus('[data-cart-total]', money(total));
  }

  function eraseMyData(button) {
    var site = button.getAttribute('data-site') || 'demo';
    setStatus('[data-erase-status]', 'Erasing…');
    fetch('/_wm/me?site=' + encodeURIComponent(site), { method: 'DELETE', credentials: 'same-origin' })
      .then(function (res) {
        setStatus('[data-erase-status]', res.ok ? 'Your data was erased.' : 'Could not erase (HTTP ' + res.status + ').');
      })
      .catch(function () {
        setStatus('[data-erase-status]', 'Could not reach the server; try again.');
      });
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var add = target.closest('[data-add-to-cart]');
    if (add) return addToCart(add);
    var remove = target.closest('[data-remove]');
    if (remove) return removeFromCart(remove.getAttribute('data-remove'));
    var erase = target.closest('[data-erase]');
    if (erase) return eraseMyData(erase);
    var checkout = target.closest('[data-checkout]');
    if (checkout) return setStatus('[data-cart-status]', 'This is a demo shop: nothing is charged.');
    var route = target.closest('[data-route]');
    if (route) {
      event.preventDefault();
      navigate(route.getAttribute('data-route'));
    }
  });

  // Newsletter: the demo keeps the visitor on the page and says thanks. The Waymark snippet sees
  // the submit (data-wm-form) and sends only the fields it may send.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-demo-form')) return;
    event.preventDefault();
    // Signing up is the e-mail consent: the visitor's address and their yes become zero-party prefs
    // (`email`, `email_consent`), which journeys' e-mail steps read (docs/email.md). Through the
    // snippet's public API, like any site would.
    var email = form.querySelector('input[type="email"]');
    if (form.getAttribute('data-wm-form') === 'newsletter' && email && email.value && typeof window.wm === 'function') {
      window.wm('prefs', { email: email.value, email_consent: true });
    }
    var done = form.querySelector('[data-form-status]');
    if (done) done.textContent = 'Thanks! Check your inbox to confirm.';
    form.reset();
  });

  // ---- spa.html: a history router (pushState for views, replaceState for sort/draft) ----
  var views = document.querySelectorAll('[data-view]');

  function showView() {
    if (!views.length) return;
    var path = location.pathname;
    var matched = false;
    views.forEach(function (view) {
      var on = view.getAttribute('data-view') === path;
      view.hidden = !on;
      matched = matched || on;
    });
    if (!matched) views[0].hidden = false;
    document.querySelectorAll('[data-route]').forEach(function (link) {
      if (link.getAttribute('data-route') === path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    var active = document.querySelector('[data-view]:not([hidden])');
    var title = active && active.getAttribute('data-title');
    if (title) document.title = title + ' · Trip planner · Waymark Outfitters';
  }

  function navigate(path) {
    if (!path || path === location.pathname) return;
    history.pushState({ path: path }, '', path);
    showView();
  }

  if (views.length) {
    window.addEventListener('popstate', showView);
    var sort = document.querySelector('[data-sort]');
    if (sort) {
      sort.addEventListener('change', function () {
        // Query-only change: same view, so replaceState (not a new page view).
        history.replaceState(history.state, '', location.pathname + '?sort=' + encodeURIComponent(sort.value));
      });
    }
    var draft = document.querySelector('[data-save-draft]');
    if (draft) {
      draft.addEventListener('click', function () {
        // Same URL, new state: what routers do on every keystroke.
        history.replaceState({ path: location.pathname, savedAt: Date.now() }, '', location.href);
        setStatus('[data-draft-status]', 'Draft saved.');
      });
    }
    showView();
  }

  // ---- hash.html: a hash router ----
  var hashViews = document.querySelectorAll('[data-hash-view]');

  function showHashView() {
    var route = location.hash.replace(/^#/, '') || '/';
    var matched = false;
    hashViews.forEach(function (view) {
      var on = view.getAttribute('data-hash-view') === route;
      view.hidden = !on;
      matched = matched || on;
    });
    if (!matched && hashViews.length) hashViews[0].hidden = false;
    document.querySelectorAll('[data-hash-link]').forEach(function (link) {
      if (link.getAttribute('href') === '#' + route) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
  }

  if (hashViews.length) {
    window.addEventListener('hashchange', showHashView);
    showHashView();
  }

  renderCount();
  renderCart();
})();
