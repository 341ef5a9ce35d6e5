/**
 * The few DOM shapes the browser tests touch inside `page.evaluate`. The project compiles without
 * the DOM library (it is a server), so code that runs in the page says what it uses here and takes
 * `document` from `globalThis` as `BrowserGlobals`.
 */
export interface DomElement {
  id: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  contains(other: DomElement | null): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

export interface DomImage extends DomElement {
  complete: boolean;
  naturalWidth: number;
  decode(): Promise<void>;
}

export interface DomDocument {
  activeElement: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

export interface BrowserGlobals {
  document: DomDocument;
}
