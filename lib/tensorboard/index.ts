export { histogramOf, SummaryWriter, summaryWriter, type SummaryWriterOptions } from './summary-writer.js'
export { decodeEventFile, type DecodedEvent } from './read-events.js'
