/// The commented example `earshot init` writes.
public enum ExampleConfig {
    public static let text = """
    # earshot.yaml: what Earshot listens to, and who it tells.
    # Check it with `earshot check --config earshot.yaml`. Durations: 90s, 15m, 1h, 3d, 1w.

    # The company you monitor, and the query a mention must match (case-insensitive):
    # terms, "exact phrases", OR, implicit AND, -exclusions, (parentheses), @handles, #tags.
    # AND binds tighter than OR, but a -exclusion outside parentheses excludes from the whole
    # query (here: no "acme anvils" at all). `earshot check` prints the query as understood.
    brand: Acme
    query: 'acme OR "acme corp" OR @acme OR #acme -"acme anvils"'

    # The brand's own accounts: handles, author names, e-mail or web domains. Their posts never
    # open a case nor count as a customer; a reply of theirs (thr:in-reply-to, an @handle, the
    # same thread, a review's owner response) joins the customer's case as the brand's response
    # and sets its first response time.
    brand_accounts: ["@acmehelp", "Acme Support", "acme.example"]

    # The SQLite store (one file; relative paths are taken from this file's folder). On a server
    # give an absolute path the job can write (the config's folder, /etc/earshot, is read-only
    # under the systemd unit): store: /var/lib/earshot/earshot.sqlite
    store: earshot.sqlite
    # Shown in the User-Agent so that site owners can reach you.
    contact: https://acme.example/earshot

    sources:
      - name: acme-news            # unique; used by `earshot fetch --source NAME`
        url: https://news.example/search.rss?q=acme
        interval: 1h               # default 1h for feeds, 6h for review pages
      - name: acme-reviews
        url: https://reviews.example/acme
        kind: reviews              # a review page: schema.org JSON-LD, microdata or RDFa
        about_us: true             # every review is about us: the query is not applied
        robots: true               # honour robots.txt (default for review pages)
        max_pages: 5               # follow "next" links up to this many pages per run
        stale_after: 30d           # newest review older than this: stale, told once (default
                                   # 30d for review pages, 7d for feeds)
      # Where people talk: a platform by name (`earshot sources presets` lists them); the preset
      # builds the feed URL from the query and the platform's quirks are applied to its items.
      # - preset: reddit
      #   query: acme
      # - preset: mastodon
      #   query: "#acme@mastodon.social"
      # A page without schema.org markup: say where reviews are (XPath, or simple CSS).
      # - name: shop-reviews
      #   url: https://shop.example/acme/reviews
      #   kind: reviews
      #   selectors:
      #     review: ".review"
      #     author: ".review-author"
      #     date: "time"
      #     date_format: "dd/MM/yyyy"
      #     rating: ".stars"
      #     rating_attribute: data-rating
      #     body: ".review-text"
      #     next_page: "a.next"
      #     response: ".owner-reply"      # the business's answer to a review: the brand's reply

    # More feeds from an OPML export of a feed reader:
    # opml: [subscriptions.opml]

    # Where alerts go. Secrets come from environment variables, never from this file.
    # More than alert_batch alerts of one kind in one run reach a people's channel (stdout,
    # webhook, smtp) as one summary: how many, the worst five, the command that lists the rest.
    # Machine channels (jsonl, command) get every alert; `batch: true|false` on a channel overrides.
    alert_batch: 10
    channels:
      - name: cron
        type: stdout               # one line per alert (cron mails it)
      # - name: support-chat
      #   type: webhook
      #   url: https://hooks.example/services/T000/B000
      #   slack: true              # Slack-compatible text and blocks
      #   secret_env: EARSHOT_WEBHOOK_SECRET   # HMAC-SHA256 signature header
      # - name: support-mail
      #   type: smtp
      #   url: smtp://mail.example:587         # STARTTLS when offered; smtps:// for TLS
      #   from: earshot@acme.example
      #   to: [support-leads@acme.example]
      #   username_env: EARSHOT_SMTP_USER
      #   password_env: EARSHOT_SMTP_PASSWORD
      # - name: archive
      #   type: jsonl
      #   path: alerts.jsonl
      # - name: pager
      #   type: command
      #   command: [/usr/local/bin/page-oncall]  # receives the alert JSON on stdin

    # What opens a case. The first matching rule wins. Without rules: very negative
    # mentions open high-severity cases, complaints and negative mentions normal ones.
    rules:
      - name: angry customer
        when: { label: negative, compound_below: -0.6 }
        severity: high
        notify: [cron]
      - name: complaint
        when: { complaint: true }
        severity: normal
        notify: [cron]
      - name: bad review
        when: { rating_at_most: 2 }
        severity: normal
        notify: [cron]

    # Acknowledgement deadlines, from the mention's publication time.
    sla:
      critical: 1h
      high: 4h
      normal: 24h
      low: 72h
    escalate_to: [cron]
    follow_up_after: 3d            # resolving a case schedules a follow-up
    # Mentions published longer ago than this are history: stored, scored and counted in digests,
    # and they join a customer's open case, but they open no case and send no alert (a first run
    # on weeks of backlog pages nobody). `earshot run --backfill 30d` widens it once.
    backfill: 2d
    reopen_within: 14d             # a customer writing again within this reopens their case

    # The same aspect hurting this many customers inside the window is a recurring problem.
    problems:
      min_customers: 3
      window: 72h
      notify: [cron]

    # digest:
    #   channel: support-mail      # `earshot digest --send` mails it through this smtp channel
    #   recipients: [marketing@acme.example]

    # Personal data hidden in what leaves the store (digests, alerts on every channel, exports
    # unless --unredacted), shown as [email], [phone], [card], [iban], [credentials]: email, phone and
    # card by default; iban and url_credentials on request. store_redacted: true stores mentions
    # already redacted (the original words are then never kept).
    privacy:
      redact: [email, phone, card]
      store_redacted: false

    # How long customers' words are kept: each run removes the text, author and links of older
    # mentions and closed cases (their numbers stay, so old digests and trends still draw).
    # Unset, nothing expires. `earshot purge --dry-run` says what would go.
    # retention:
    #   mentions: 400d
    #   closed_cases: 730d

    # Who judges mentions: model (the trained model reading the rules' evidence; the default) or
    # rules (the rules alone). `earshot score --compare` shows both decisions side by side.
    scorer: model

    # Words that mean something else in your industry (VADER valence, -4..4; 0 is neutral).
    # valence:
    #   crush: 0
    # Extra cues per aspect, added to the built-in ones.
    # aspects:
    #   delivery: [courier, parcel locker]

    fetch:
      concurrency: 16
      per_host: 2
      max_body_mb: 20
      pause_after_failures: 10

    """
}
