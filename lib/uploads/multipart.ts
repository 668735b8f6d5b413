import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import Busboy from "busboy";
import { AppError, badRequest } from "@/lib/errors";

export type MultipartFile = { stream: Readable; filename: string; mimeType: string };

/**
 * Streams the file of one multipart/form-data field from a request into `onFile`, without buffering
 * the body (request.formData() would hold the whole file in memory). Other fields and files are skipped.
 */
export async function receiveMultipartFile<T>(
  req: Request,
  field: string,
  onFile: (file: MultipartFile) => Promise<T>,
): Promise<T> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(type) || !req.body) {
    throw badRequest(`Send the file as multipart/form-data in the field \`${field}\`.`);
  }
  const source = Readable.fromWeb(req.body as unknown as NodeWebStream<Uint8Array>);
  let busboy: Busboy.Busboy;
  try {
    busboy = Busboy({ headers: { "content-type": type }, limits: { files: 1, fields: 50, parts: 60 } });
  } catch {
    throw badRequest("The multipart body has no boundary.");
  }
  return new Promise<T>((resolve, reject) => {
    let result: Promise<T> | undefined;
    const fail = (error: unknown) => {
      source.unpipe(busboy);
      source.destroy();
      reject(error);
    };
    busboy.on("file", (name, stream, info) => {
      if (name !== field || result) {
        stream.resume();
        return;
      }
      result = onFile({ stream, filename: info.filename ?? "upload.csv", mimeType: info.mimeType });
      result.then(resolve, fail);
    });
    busboy.on("close", () => {
      if (!result) reject(new AppError(422, `The request has no file in the field \`${field}\`.`));
    });
    busboy.on("error", (error) =>
      fail(badRequest(`The multipart body cannot be read: ${(error as Error).message}`)),
    );
    source.on("error", (error) => fail(error));
    source.pipe(busboy);
  });
}
