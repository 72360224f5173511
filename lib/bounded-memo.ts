// Remembers a pure function's results by key, up to `max` entries (then starts over): for values the
// hot paths compute again and again from the same few inputs.
export function boundedMemo<Value>(compute: (key: string) => Value, max = 10_000): (key: string) => Value {
  const remembered = new Map<string, Value>();
  return (key) => {
    if (remembered.has(key)) return remembered.get(key)!;
    if (remembered.size >= max) remembered.clear();
    const value = compute(key);
    remembered.set(key, value);
    return value;
  };
}
