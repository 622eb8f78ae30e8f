import Foundation

extension AspectCatalog {
    /// The built-in catalog, compiled into the binary: a copied or packaged `earshot` has its
    /// aspects wherever it runs (a resource bundle beside the build folder was silently lost when
    /// the binary was copied alone). Installations add cues with the config's `aspects:`.
    public static let builtIn: AspectCatalog = {
        do {
            return try AspectCatalog.parse(builtInText)
        } catch {
            // The text below is checked by the tests; failing here is a programmer's error.
            preconditionFailure("the built-in aspect catalog does not parse: \(error)")
        }
    }()

    /// The catalog's text, in the format ``parse(_:)`` reads.
    static let builtInText = """
    # Earshot aspect catalog: which part of the business a text talks about.
    #
    # Format: one aspect per line, "aspect: cue, cue, ...". Cues are matched case-insensitively on
    # word boundaries; a cue may be several words ("on hold"). A trailing "*" matches any ending
    # ("deliver*" matches deliver, delivered, delivery). Blank lines and lines starting with "#"
    # are ignored; an aspect may span several lines (later lines add cues).
    # Compiled into the binary (nothing to install beside it); add cues per installation with the
    # config's `aspects:` section. AspectCatalog.parse reads this format.

    billing: bill, bills, billed, billing, invoice*, charge, charged, charges, overcharged, double charged, refund*, payment*, paid, pay, paying, card, credit card, debit, fee, fees, subscription, receipt, money back, transaction*, direct debit, statement

    delivery: deliver*, shipping, shipped, ship, shipment, courier, parcel, package, packages, arrive, arrived, arriving, arrival, dispatch*, tracking, tracking number, postage, postman, order, ordered, orders, in stock, out of stock, lost in the post, doorstep, collection, pickup, pick up

    support: support, customer service, customer care, service desk, helpdesk, help desk, agent, agents, staff, representative, rep, reps, call centre, call center, on hold, hold music, waiter, waitress, waiters, waitstaff, server, servers, service, manager, hostess, host, rude, attentive, friendly staff, reply, replied, response, responded, respond, complaint, complaints, chat, live chat, email, emails, phone, called, calling, callback, call back, ticket, warranty

    quality: quality, broken, broke, breaks, defect*, faulty, damaged, cheap, cheaply made, flimsy, sturdy, durable, fell apart, stopped working, works great, build, material, materials, taste, tasty, tasted, flavor, flavour, flavors, delicious, food, dish, dishes, meal, meals, fresh, stale, bland, overcooked, undercooked, portion, portions, sushi, pizza, burger, steak, pasta, dessert, menu, ingredients, cooked, battery, screen, keyboard, performance, speed, speeds, reliable, unreliable, outage, outages, dropout, dropouts, dropping, drops out, disconnect*, connection, connectivity, signal, no signal, wifi, internet, slow, buffering, latency, down again

    website: website, web site, site, app, apps, online, login, log in, logged in, sign in, signin, password, page, link, checkout, browser, update, updated, crash, crashes, crashed, crashing, glitch, bug, bugs, error, errors, site down, website down, app down, download

    account: account, accounts, my account, username, profile, locked out, locked, suspended, deactivated, verification, verify, two factor, 2fa, log in, login, password, reset, membership, member, points, loyalty

    pricing: price, prices, priced, pricing, expensive, overpriced, pricey, cheap, cheaper, affordable, value, worth, cost, costs, costly, deal, deals, discount, discounts, sale, promo, promotion, coupon, bargain, rip off, ripoff, $*, dollars, pound, pounds, bucks, reasonable, reasonably priced
    """
}
