import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  width: number;
  height: number;
}

/** The terminal's size, updated on resize so that every screen reflows. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => measure(stdout));
  useEffect(() => {
    const onResize = () => setSize(measure(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

// A stream that is not a terminal (tests) has no size: assume the classic 80×24.
function measure(stdout: NodeJS.WriteStream): TerminalSize {
  return { width: stdout.columns || 80, height: stdout.rows || 24 };
}
