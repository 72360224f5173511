// The list of a docs page's sections at its top: plain anchors, so it works without JavaScript.
export function OnThisPage({ sections }: { sections: { id: string; title: string; children?: { id: string; title: string }[] }[] }) {
  return (
    <nav aria-label="On this page" className="rounded-lg border border-slate-200 bg-white px-5 py-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">On this page</h2>
      <ul className="mt-2 gap-x-6 space-y-1 sm:columns-2">
        {sections.map((section) => (
          <li key={section.id} className="break-inside-avoid">
            <a href={`#${section.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">{section.title}</a>
            {section.children && (
              <ul className="ml-4 mt-1 space-y-1">
                {section.children.map((child) => (
                  <li key={child.id}>
                    <a href={`#${child.id}`} className="text-slate-700 hover:underline dark:text-slate-300">{child.title}</a>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
