import Foundation
import EarshotParse

/// `earshot parse`'s work, and its hidden benchmark mode (`--bench FILE... [--repeat N]`): every file parsed
/// and written as contract JSON to a sink that only counts bytes, in one process, so that timing measures the
/// parser rather than process start. The summary goes to stderr as one line.
enum ParseBench {
    /// Parses `file` and writes its contract JSON (no line break) to `sink`, entry by entry.
    static func parse(_ file: String, url: String?, charset: String?, writtenDates: Bool = false,
                      sink: @escaping (UnsafeRawBufferPointer) -> Void) throws {
        var writer = ContractJSONWriter(writtenDates: writtenDates, sink: sink)
        let document = try DocumentParser.parseFile(atPath: file, url: url, charset: charset) { writer.append($0) }
        writer.finish(document)
    }

    static func run(files: [String], url: String?, charset: String?, repetitions: Int) {
        var inputBytes = 0, outputBytes = 0, failures = 0
        for file in files {
            inputBytes += (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        }
        let start = cpuSeconds()
        for _ in 0..<repetitions {
            for file in files {
                do { try parse(file, url: url, charset: charset) { outputBytes += $0.count } } catch { failures += 1 }
            }
        }
        let cpu = cpuSeconds() - start
        let mb = Double(inputBytes * repetitions) / 1e6
        let line = String(format: "parse bench: files=%d repeat=%d input_mb=%.2f output_mb=%.2f failures=%d cpu_s=%.3f mb_per_s=%.1f docs_per_s=%.0f\n",
                          files.count, repetitions, mb, Double(outputBytes) / 1e6, failures, cpu,
                          mb / max(cpu, 1e-9), Double(files.count * repetitions) / max(cpu, 1e-9))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// CPU time of this process (user + system): the machine is shared, and wall time swings with its load.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
