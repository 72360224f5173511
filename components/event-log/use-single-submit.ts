// Stops a form from being submitted again while its action is under way (double clicks, Enter
// pressed twice): the flag is set synchronously on submit, before React re-renders the disabled button.
import { useEffect, useRef, type FormEvent } from "react";

export function useSingleSubmit(pending: boolean): (event: FormEvent<HTMLFormElement>) => void {
  const submitting = useRef(false);
  useEffect(() => {
    if (!pending) submitting.current = false;
  }, [pending]);
  return (event) => {
    if (submitting.current) event.preventDefault();
    else submitting.current = true;
  };
}
