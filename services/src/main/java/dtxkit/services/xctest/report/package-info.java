/**
 * The results of an XCTest run as plain values ({@link dtxkit.services.xctest.report.TestResults}), collected from
 * the run's events by {@link dtxkit.services.xctest.report.TestResultsCollector}, and written as a JUnit XML report
 * (the Ant/Surefire format CI servers read) by {@link dtxkit.services.xctest.report.JUnitXmlWriter}.
 */
package dtxkit.services.xctest.report;
