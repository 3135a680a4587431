// Prints, under Jest's summary, one line per service whose suites jest.config.ts left out because
// the service is not installed (the same line it printed at the start), so the skip is not lost
// above a long run. Options: { lines: string[] }.
class SkippedServicesReporter {
  constructor(_globalConfig, options) {
    this.lines = options?.lines ?? [];
  }

  onRunComplete() {
    for (const line of this.lines) process.stderr.write(`${line}\n`);
  }
}

module.exports = SkippedServicesReporter;
