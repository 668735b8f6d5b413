-- The whole row of a rejected row, as the file has it (a JSON array of its values), so the rejected rows
-- can be downloaded as they are in the file, fixed and uploaded again. Older rejections have none.
ALTER TABLE "upload_rejections" ADD COLUMN "record" text;