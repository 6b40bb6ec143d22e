/** `sessionscope generate`: (stub, being written). */
import type { Command } from 'commander';

export function registerGenerate(program: Command, setExit: (code: number) => void): void {
  void program;
  void setExit;
}
