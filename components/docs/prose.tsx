// Building blocks of the docs pages: sections with linkable headings, running text, code and tables,
// in the console's look. No data access: pages pass in the values they read from lib/.
import type { ReactNode } from "react";
import { Table, Th } from "@/components/ui/table";

// A link inside text: coloured and underlined, so it stands out without relying on colour alone.
export const TEXT_LINK = "font-medium text-indigo-700 underline underline-offset-2 dark:text-indigo-300";

// Running text: paragraphs, lists and links inside get the docs' spacing and colours.
const PROSE =
  "space-y-3 break-words text-sm leading-6 text-slate-700 dark:text-slate-300 [&_a]:font-medium [&_a]:text-indigo-700 [&_a]:underline [&_a]:underline-offset-2 dark:[&_a]:text-indigo-300 [&_li]:pl-1 [&_ol]:list-decimal [&_ol]:space-y-1 [&_ol]:pl-5 [&_strong]:font-semibold [&_strong]:text-slate-900 dark:[&_strong]:text-slate-100 [&_ul]:list-disc [&_ul]:space-y-1 [&_ul]:pl-5";

export function Prose({ children }: { children: ReactNode }) {
  return <div className={PROSE}>{children}</div>;
}

// A section with a heading that links to itself, so a reader can share the exact place.
export function DocSection({ id, title, level = 2, children }: { id: string; title: string; level?: 2 | 3; children: ReactNode }) {
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section aria-labelledby={id} className={level === 2 ? "scroll-mt-6 border-t border-slate-200 pt-8 dark:border-slate-800" : "scroll-mt-6 pt-2"}>
      <Heading id={id} className={level === 2 ? "mb-3 text-xl font-semibold tracking-tight" : "mb-2 text-base font-semibold"}>
        <a href={`#${id}`} className="hover:underline">{title}</a>
      </Heading>
      <div className="space-y-4">{children}</div>
    </section>
  );
}

export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800 dark:bg-slate-800 dark:text-slate-200">{children}</code>;
}

// A block of code or an HTTP exchange; it scrolls sideways on narrow screens (and by keyboard).
export function CodeBlock({ title, code }: { title: string; code: string }) {
  return (
    <figure className="overflow-hidden rounded-lg border border-slate-200 dark:border-slate-700">
      <figcaption className="border-b border-slate-200 bg-slate-100 px-4 py-1.5 text-xs font-medium text-slate-700 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-300">{title}</figcaption>
      <pre tabIndex={0} className="overflow-x-auto bg-slate-900 p-4 font-mono text-xs leading-5 text-slate-100 dark:bg-slate-950">
        <code>{code}</code>
      </pre>
    </figure>
  );
}

export function Note({ children }: { children: ReactNode }) {
  return <div className="rounded-md border border-indigo-200 bg-indigo-50 px-4 py-3 text-sm leading-6 text-indigo-950 dark:border-indigo-900 dark:bg-indigo-950/60 dark:text-indigo-100">{children}</div>;
}

// A table of names and their meaning (headers, fields, statuses); the cells wrap. On a phone each row
// becomes a block: the name on top, then each other cell with its column's name in front.
export function DocTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: { key: string; cells: ReactNode[] }[] }) {
  // An empty cell (null or "") is left out of the phone layout.
  return (
    <Table caption={caption}>
      <thead className="bg-slate-50 max-sm:hidden dark:bg-slate-800/50">
        <tr>{columns.map((column) => <Th key={column}>{column}</Th>)}</tr>
      </thead>
      <tbody className="divide-y divide-slate-200 max-sm:block dark:divide-slate-800">
        {rows.map((row) => (
          <tr key={row.key} className="align-top max-sm:block max-sm:px-4 max-sm:py-3">
            {row.cells.map((cell, i) => (
              <td key={i} className={`px-4 py-3 max-sm:block max-sm:px-0 max-sm:py-0.5 ${i === 0 ? "whitespace-nowrap max-sm:pb-1.5" : "min-w-32"} ${cell === null || cell === "" ? "max-sm:hidden" : ""}`}>
                {i > 0 && <span className="font-medium text-slate-600 sm:hidden dark:text-slate-400">{columns[i]}: </span>}
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

// Text from a generated document: `backticks` become code, everything else stays plain text.
export function InlineText({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]+`)/).map((part, i) => (part.startsWith("`") && part.endsWith("`") && part.length > 2 ? <Code key={i}>{part.slice(1, -1)}</Code> : part))}
    </>
  );
}
