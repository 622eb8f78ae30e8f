import ArgumentParser
import EarshotApp
import EarshotFetch

@main
struct Earshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot",
        abstract: "Listens for what customers say about you in feeds and review pages, and makes sure complaints get followed up.",
        discussion: """
        Start with `earshot demo`, then `earshot init` to write a config of your own.
        The scheduled job is `earshot run --config earshot.yaml` (cron or the systemd timer).

        Exit codes:
          0   all went well
          1   an error; one line on stderr says what to do
          3   some sources failed; the others were stored
          4   some alerts wait to be retried
          64  a bad command line
          66  something named was not found
          75  another run holds the store; nothing was touched
          78  the config is wrong
        """,
        version: FetchOptions.version,
        subcommands: [Demo.self, Run.self, Fetch.self, Check.self, Init.self, Sources.self, Parse.self, Score.self,
                      Cases.self, Alerts.self, Digest.self, Export.self, Backtest.self, Serve.self, Users.self, Purge.self, Forget.self, Backup.self, Doctor.self])
}
