// A test double of Office.js: the part of the Excel JavaScript API that xlwings-server's Office.js client calls,
// over an in-memory workbook the test gives as `globalThis.officeDoubleBook` (values, fills, notes, tables, names
// read from a real .xlsx). Loads and syncs are immediate: a property reads the workbook when it is read. A member
// the double does not have throws, naming itself, so a client that needs more fails loudly instead of quietly.
(() => {
  "use strict";
  const book = globalThis.officeDoubleBook;
  const settings = globalThis.officeDoubleSettings || {};

  const letters = (column) => {  // 0-based column -> "A", "AA"…
    let text = "";
    for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
      text = String.fromCharCode(65 + ((n - 1) % 26)) + text;
    }
    return text;
  };
  const cellName = (row, column) => letters(column) + (row + 1);
  const parseCell = (text) => {
    const match = /^\$?([A-Z]+)\$?(\d+)$/.exec(text.toUpperCase());
    if (!match) throw officeError("InvalidArgument", `office double: cannot read the address ${text}`);
    const column = [...match[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    return [Number(match[2]) - 1, column];
  };
  const parseArea = (text) => {
    const local = text.includes("!") ? text.split("!").pop() : text;
    const [first, last = first] = local.split(":");
    const [r1, c1] = parseCell(first), [r2, c2] = parseCell(last);
    return [Math.min(r1, r2), Math.min(c1, c2), Math.abs(r2 - r1) + 1, Math.abs(c2 - c1) + 1];
  };
  const quoted = (name) => (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`);

  function officeError(code, message) {
    const error = new Error(message);
    error.code = code;
    return error;
  }

  // Every object the client gets goes through `strict`: reading a member the double lacks throws.
  const ALLOWED_MISSING = new Set(["then", "toJSON", "constructor", "nodeType", "asymmetricMatch", "$$typeof"]);
  function strict(object, kind) {
    return new Proxy(object, {
      get(target, key, receiver) {
        if (typeof key === "symbol" || key in target || ALLOWED_MISSING.has(key)) {
          return Reflect.get(target, key, receiver);
        }
        throw officeError("NotImplemented", `office double: ${kind}.${String(key)} is not implemented`);
      },
    });
  }
  const loadable = (object) => Object.assign(object, { load() { return this; }, isNullObject: false });
  const nullObject = (kind) => strict({ load() { return this; }, isNullObject: true, items: [] }, kind);
  const collection = (kind, items) => strict(loadable({ items }), kind);

  const sheetOf = (model) => {
    const index = book.sheets.indexOf(model);
    if (index < 0) throw officeError("ItemNotFound", "office double: the sheet was deleted");
    return index;
  };

  function cellValue(model, row, column) {
    const value = model.values[row]?.[column];
    return value === undefined || value === null ? "" : value;
  }
  function setCell(model, row, column, value) {
    if (value === null || value === undefined) return;  // Office.js: null leaves a cell as it is
    if (typeof value === "string" && value.startsWith("'")) value = value.slice(1);  // the text prefix
    while (model.values.length <= row) model.values.push([]);
    model.values[row][column] = value;
  }

  function makeRange(model, row, column, rows, columns) {
    const cells = (each) => Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) =>
      each(row + r, column + c)));
    const forEachCell = (each) => {
      for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) each(row + r, column + c);
    };
    const key = (r, c) => cellName(r, c);
    const fill = strict({
      set color(value) { forEachCell((r, c) => { model.fills[key(r, c)] = String(value).toUpperCase(); }); },
      get color() { return model.fills[key(row, column)] || "#FFFFFF"; },
      clear() { forEachCell((r, c) => { delete model.fills[key(r, c)]; }); },
    }, "RangeFill");
    const range = {
      get address() {
        const local = rows === 1 && columns === 1 ? cellName(row, column)
          : `${cellName(row, column)}:${cellName(row + rows - 1, column + columns - 1)}`;
        return `${quoted(model.name)}!${local}`;
      },
      rowCount: rows,
      columnCount: columns,
      get values() { return cells((r, c) => cellValue(model, r, c)); },
      set values(grid) {
        if (!Array.isArray(grid) || grid.length !== rows || grid.some((line) => line.length !== columns)) {
          throw officeError("InvalidArgument", `office double: ${rows}x${columns} values expected`);
        }
        grid.forEach((line, r) => line.forEach((value, c) => setCell(model, row + r, column + c, value)));
      },
      get numberFormat() { return cells(() => "General"); },
      get worksheet() { return makeSheet(model); },
      format: strict({ fill }, "RangeFormat"),
      setCellProperties(properties) {
        properties.forEach((line, r) => line.forEach((cell, c) => {
          const spec = cell?.format?.fill;
          if (!spec) return;
          if (spec.pattern === "None") delete model.fills[key(row + r, column + c)];
          else if (spec.color) model.fills[key(row + r, column + c)] = String(spec.color).toUpperCase();
        }));
      },
      clear(applyTo = "All") {
        forEachCell((r, c) => {
          if (applyTo === "All" || applyTo === "Contents") {
            if (model.values[r]) model.values[r][c] = "";
          }
          if (applyTo === "All" || applyTo === "Formats") delete model.fills[key(r, c)];
        });
      },
      getSurroundingRegion() { return this; },
    };
    return strict(loadable(range), "Range");
  }

  function usedArea(model) {
    let lastRow = -1, lastColumn = -1;
    model.values.forEach((line, r) => (line || []).forEach((value, c) => {
      if (value !== "" && value !== null && value !== undefined) {
        lastRow = Math.max(lastRow, r);
        lastColumn = Math.max(lastColumn, c);
      }
    }));
    return lastRow < 0 ? null : [0, 0, lastRow + 1, lastColumn + 1];
  }

  function makeNotes(model) {
    const note = (address) => strict(loadable({
      get content() { return model.notes[address]; },
      set content(text) { model.notes[address] = String(text); },
      authorName: "Office double",
      getLocation() { const [r, c] = parseArea(address); return makeRange(model, r, c, 1, 1); },
      delete() { delete model.notes[address]; },
    }), "Note");
    return strict(loadable({
      get items() { return Object.keys(model.notes).map(note); },
      getItemOrNullObject(address) {
        const local = cellName(...parseArea(address).slice(0, 2));
        return local in model.notes ? note(local) : nullObject("Note");
      },
      add(address, text) {
        const [r, c] = parseArea(String(address));
        model.notes[cellName(r, c)] = String(text);
        return note(cellName(r, c));
      },
    }), "NoteCollection");
  }

  function makeTables(model) {
    const table = (spec) => {
      const [r, c, rows, columns] = parseArea(spec.ref);
      const header = spec.showHeaders ? 1 : 0, totals = spec.showTotals ? 1 : 0;
      return strict(loadable({
        name: spec.name, showHeaders: spec.showHeaders, showTotals: spec.showTotals, style: spec.style || "",
        showFilterButton: true, highlightFirstColumn: false, highlightLastColumn: false, showBandedRows: true,
        showBandedColumns: false,
        getRange: () => makeRange(model, r, c, rows, columns),
        getDataBodyRange: () => makeRange(model, r + header, c, rows - header - totals, columns),
        getHeaderRowRange: () => makeRange(model, r, c, 1, columns),
        getTotalRowRange: () => makeRange(model, r + rows - 1, c, 1, columns),
        columns: collection("TableColumnCollection", Array.from({ length: columns }, (_, i) =>
          strict({ name: String(cellValue(model, r, c + i)) }, "TableColumn"))),
      }), "Table");
    };
    return strict(loadable({ get items() { return (model.tables || []).map(table); } }), "TableCollection");
  }

  function makeNames(scope) {  // scope: the workbook (book.names) or a sheet (its own names)
    const list = () => (scope.names = scope.names || []);
    const item = (entry) => strict(loadable({
      name: entry.name, type: "Range",
      get formula() { return entry.formula; },
      set formula(text) { entry.formula = String(text); },
      getRangeOrNullObject() {
        const match = /^=?(?:'((?:[^']|'')+)'|([^!]+))!(.+)$/.exec(entry.formula);
        const sheetName = match && (match[1] ? match[1].replace(/''/g, "'") : match[2]);
        const target = match && book.sheets.find((s) => s.name === sheetName);
        return target ? makeRange(target, ...parseArea(match[3])) : nullObject("Range");
      },
      delete() { scope.names = list().filter((e) => e !== entry); },
    }), "NamedItem");
    return strict(loadable({
      get items() { return list().map(item); },
      getItem(name) {
        const entry = list().find((e) => e.name === name);
        if (!entry) throw officeError("ItemNotFound", `office double: no name ${name}`);
        return item(entry);
      },
      add(name, reference) {
        const formula = typeof reference === "string" ? reference : "=" + reference.address;
        list().push({ name: String(name), formula });
      },
    }), "NamedItemCollection");
  }

  function makeSheet(model) {
    const sheet = {
      get name() { return model.name; },
      set name(text) { model.name = String(text); },
      get visibility() { return model.visibility; },
      set visibility(text) { model.visibility = String(text); },
      get position() { return sheetOf(model); },
      set position(index) {
        book.sheets.splice(sheetOf(model), 1);
        book.sheets.splice(Math.min(Number(index), book.sheets.length), 0, model);
      },
      showGridlines: true,
      get names() { return makeNames(model); },
      pageLayout: strict({ getPrintAreaOrNullObject: () => nullObject("RangeAreas") }, "PageLayout"),
      get notes() { return makeNotes(model); },
      get tables() { return makeTables(model); },
      charts: collection("ChartCollection", []),
      shapes: collection("ShapeCollection", []),
      pivotTables: collection("PivotTableCollection", []),
      getUsedRangeOrNullObject() {
        const area = usedArea(model);
        return area ? makeRange(model, ...area) : nullObject("Range");
      },
      getRange(address = "A1") { return makeRange(model, ...parseArea(String(address))); },
      getRangeByIndexes(row, column, rows, columns) { return makeRange(model, row, column, rows, columns); },
      getRanges() {
        const area = usedArea(model) || [0, 0, 1, 1];
        const columns = Math.max(area[3], ...Object.keys(model.fills).map((k) => parseArea(k)[1] + 1));
        const rows = Math.max(area[2], ...Object.keys(model.fills).map((k) => parseArea(k)[0] + 1));
        return makeRange(model, 0, 0, rows, columns);
      },
      activate() { book.active = sheetOf(model); },
      delete() {
        if (book.sheets.length === 1) {
          throw officeError("InvalidOperation", "office double: a workbook keeps one sheet");
        }
        book.sheets.splice(sheetOf(model), 1);
        book.active = Math.min(book.active || 0, book.sheets.length - 1);
      },
    };
    return strict(loadable(sheet), "Worksheet");
  }

  function makeWorksheets() {
    const find = (name) => book.sheets.find((s) => s.name.toLowerCase() === String(name).toLowerCase());
    return strict(loadable({
      get items() { return book.sheets.map(makeSheet); },
      getItem(name) {
        const model = find(name);
        if (!model) throw officeError("ItemNotFound", `office double: no sheet ${name}`);
        return makeSheet(model);
      },
      getItemOrNullObject(name) {
        const model = find(name);
        return model ? makeSheet(model) : nullObject("Worksheet");
      },
      getActiveWorksheet() { return makeSheet(book.sheets[book.active || 0]); },
      add(name) {
        let text = name;
        for (let n = book.sheets.length + 1; !text; n++) if (!find(`Sheet${n}`)) text = `Sheet${n}`;
        if (find(text)) throw officeError("ItemAlreadyExists", `office double: sheet ${text} exists`);
        const model = { name: String(text), visibility: "Visible", values: [], fills: {}, notes: {}, tables: [],
                        names: [] };
        book.sheets.push(model);
        return makeSheet(model);
      },
    }), "WorksheetCollection");
  }

  const application = strict(loadable({
    calculationMode: "Automatic",
    calculate() {},
    cultureInfo: strict(loadable({ name: "en-GB", datetimeFormat: strict(loadable({ shortDatePattern: "dd/MM/yyyy" }),
      "DatetimeFormatInfo") }), "CultureInfo"),
  }), "Application");

  class RequestContext {
    constructor() {
      this.workbook = strict(loadable({
        get name() { return book.name; },
        get worksheets() { return makeWorksheets(); },
        get names() { return makeNames(book); },
        application,
        getSelectedRange() { return makeRange(book.sheets[book.active || 0], 0, 0, 1, 1); },
      }), "Workbook");
      this.application = application;
      return strict(this, "RequestContext");
    }
    sync() { return Promise.resolve(); }
  }

  globalThis.Excel = {
    RequestContext,
    async run(batch) { return await batch(new RequestContext()); },
    ShapeType: { image: "Image" },
    CalculationType: { full: "Full", recalculate: "Recalculate" },
    ClearApplyTo: { all: "All", contents: "Contents", formats: "Formats" },
  };

  const supported = { ExcelApi: 18, ExcelAPI: 18, DialogAPI: 1, SharedRuntime: 1, RibbonAPI: 1 };
  const info = { host: "Excel", platform: "OfficeOnline" };
  const associated = {};
  globalThis.Office = {
    HostType: { Excel: "Excel" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    onReady(callback) {
      if (callback) setTimeout(() => callback(info), 0);
      return Promise.resolve(info);
    },
    context: {
      platform: "OfficeOnline",
      requirements: {
        isSetSupported(name, version = "1.1") {
          return name in supported && Number(String(version).split(".")[1] || 0) <= supported[name];
        },
      },
      ui: {
        displayDialogAsync(url) {
          throw officeError("NotImplemented",
                            `office double: the pane opened a dialog (${url}) instead of showing the message`);
        },
      },
    },
    actions: { associate(name, handler) { associated[name] = handler; } },
    auth: {
      // Single sign-on: the test's token (a signed Entra ID-shaped JWT), or the error Office gives without sign-in.
      async getAccessToken() {
        if (settings.ssoError) throw officeError(settings.ssoError.code, settings.ssoError.message);
        return settings.ssoToken;
      },
    },
  };
  globalThis.officeDouble = { book, associated };
})();
