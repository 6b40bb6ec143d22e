/** `sessionscope doctor`: (stub, being written). */
import type { Command } from 'commander';

export function registerDoctor(program: Command, setExit: (code: number) => void): void {
  void program;
  void setExit;
}
