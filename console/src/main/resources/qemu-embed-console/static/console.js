// The dashboard's live rows and the action buttons (both pages). Data comes from the server-sent
// events of one shared sampler; actions are POSTs with the page's CSRF tokens.
(function () {
	'use strict';
	var base = document.querySelector('meta[name="qemu-console-base"]').content;
	var tokens = Array.prototype.map.call(document.querySelectorAll('meta[name="qemu-console-csrf"]'),
		function (meta) { return [meta.getAttribute('data-header'), meta.content]; });
	var table = document.getElementById('domains');
	var tbody = table ? table.tBodies[0] : null;
	var single = table && table.classList.contains('one');
	var live = document.getElementById('live');
	var result = document.getElementById('result');
	var empty = document.getElementById('empty');
	var ACTIONS = ['start', 'shutdown', 'reboot', 'suspend', 'resume', 'destroy'];
	// which buttons make sense in which state; the server decides anyway
	var ENABLED = {
		running: ['shutdown', 'reboot', 'suspend', 'destroy'],
		blocked: ['shutdown', 'reboot', 'suspend', 'destroy'],
		paused: ['resume', 'destroy'],
		pmsuspended: ['resume', 'destroy'],
		shutdown: ['destroy'],
		shutoff: ['start'],
		crashed: ['start'],
		nostate: ['start']
	};

	function bytes(value) {
		var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
		var unit = 0;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return (unit === 0 || value >= 100 ? value.toFixed(0) : value.toFixed(1)) + ' ' + units[unit];
	}
	function rate(value) {
		return value === null || value === undefined ? '–' : bytes(value) + '/s';
	}
	function percent(value) {
		return value === null || value === undefined ? '–' : value.toFixed(1) + ' %';
	}
	function two(n) {
		return (n < 10 ? '0' : '') + n;
	}
	function uptime(s) {
		var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
		if (d > 0) return d + 'd ' + two(h) + 'h ' + two(m) + 'm';
		if (h > 0) return h + 'h ' + two(m) + 'm ' + two(s % 60) + 's';
		return m + 'm ' + two(s % 60) + 's';
	}
	function domainUrl(name) {
		return base + '/domains/' + encodeURIComponent(name);
	}
	function cell(row, cls) {
		return row.querySelector('td.' + cls);
	}
	function newRow(name) {
		var row = document.createElement('tr');
		row.setAttribute('data-domain', name);
		['name', 'state', 'uptime', 'vcpus', 'memory', 'cpu', 'block', 'net', 'agent', 'snapshots', 'actions'].forEach(function (cls) {
			var td = document.createElement('td');
			td.className = cls;
			row.appendChild(td);
		});
		var link = document.createElement('a');
		link.href = domainUrl(name);
		link.textContent = name;
		cell(row, 'name').appendChild(link);
		ACTIONS.forEach(function (action) {
			var button = document.createElement('button');
			button.type = 'button';
			button.setAttribute('data-action', action);
			button.textContent = action;
			cell(row, 'actions').appendChild(button);
		});
		return row;
	}
	function update(row, d) {
		row.setAttribute('data-state', d.state);
		var state = cell(row, 'state');
		state.textContent = d.state;
		state.title = d.status;
		if (d.stale) {
			var stale = document.createElement('span');
			stale.className = 'stale';
			stale.title = d.stale;
			stale.textContent = ' (stale)';
			state.appendChild(stale);
		}
		cell(row, 'uptime').textContent = d.active ? uptime(d.uptimeSeconds) : '–';
		cell(row, 'vcpus').textContent = d.vcpus;
		cell(row, 'memory').textContent = bytes(d.memoryKiB * 1024);
		cell(row, 'cpu').textContent = percent(d.cpuPercent);
		cell(row, 'block').textContent = rate(d.blockReadBps) + ' / ' + rate(d.blockWriteBps);
		cell(row, 'net').textContent = rate(d.netRxBps) + ' / ' + rate(d.netTxBps);
		cell(row, 'agent').textContent = d.agent;
		cell(row, 'snapshots').textContent = (d.snapshots === null || d.snapshots === undefined) ? '–'
			: d.snapshots + (d.currentSnapshot ? ' (current: ' + d.currentSnapshot + ')' : '');
		enable(row);
	}
	function enable(row) {
		var allowed = ENABLED[row.getAttribute('data-state')];
		Array.prototype.forEach.call(row.querySelectorAll('button[data-action]'), function (button) {
			button.disabled = row.classList.contains('busy')
				|| (allowed !== undefined && allowed.indexOf(button.getAttribute('data-action')) < 0);
		});
	}
	function render(domains) {
		var seen = {};
		domains.forEach(function (d) {
			seen[d.name] = true;
			var row = tbody.querySelector('tr[data-domain="' + CSS.escape(d.name) + '"]');
			if (!row) {
				if (single) return;
				row = newRow(d.name);
				tbody.appendChild(row);
			}
			update(row, d);
		});
		Array.prototype.forEach.call(tbody.rows, function (row) {
			if (!seen[row.getAttribute('data-domain')]) {
				if (single) {
					row.setAttribute('data-state', 'gone');
					cell(row, 'state').textContent = 'gone';
				} else {
					row.remove();
				}
			}
		});
		if (empty) empty.hidden = tbody.rows.length > 0;
	}
	function show(text, ok) {
		result.textContent = text;
		result.className = ok ? 'ok' : 'error';
	}
	function act(row, action) {
		var name = row.getAttribute('data-domain');
		var headers = { 'Accept': 'application/json' };
		tokens.forEach(function (t) { headers[t[0]] = t[1]; });
		row.classList.add('busy');
		enable(row);
		show(name + ': ' + action + '…', true);
		fetch(domainUrl(name) + '/' + action, { method: 'POST', headers: headers, credentials: 'same-origin' })
			.then(function (response) {
				return response.json().catch(function () {
					return { ok: false, message: 'HTTP ' + response.status };
				});
			})
			.then(function (body) {
				show(name + ': ' + action + (body.ok ? ' — ' : ' refused — ') + body.message, body.ok);
			})
			.catch(function (error) {
				show(name + ': ' + action + ' failed — ' + error, false);
			})
			.then(function () {
				row.classList.remove('busy');
				enable(row);
			});
	}
	if (table) {
		Array.prototype.forEach.call(tbody.rows, enable);
		table.addEventListener('click', function (event) {
			var button = event.target.closest('button[data-action]');
			if (button && !button.disabled) {
				act(button.closest('tr'), button.getAttribute('data-action'));
			}
		});
		var events = new EventSource(base + '/events');
		events.onopen = function () {
			live.textContent = 'live';
			live.className = 'live on';
		};
		events.onerror = function () {
			live.textContent = 'reconnecting…';
			live.className = 'live off';
		};
		events.addEventListener('domains', function (event) {
			var data = JSON.parse(event.data);
			render(data.domains);
			document.dispatchEvent(new CustomEvent('qemu-domains', { detail: data.domains }));
		});
	}
})();
