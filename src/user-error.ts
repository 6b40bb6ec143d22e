/** An error the user can fix (a bad file, option or environment): shown as one line, exit code 2. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
