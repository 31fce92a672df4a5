import { Extensions, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DocumentType } from '../../graphql/shared';
import { Person } from './personTypes';

@InputType({ description: 'A document to look up: its type and number (formatting is ignored, as in personByDocument).' })
export class DocumentInput {
  @Field(() => DocumentType)
  type!: keyof typeof DocumentType;

  @Field(() => String)
  number!: string;
}

export const DocumentLookupStatus = { FOUND: 'FOUND', NOT_FOUND: 'NOT_FOUND', AMBIGUOUS: 'AMBIGUOUS', INVALID_NUMBER: 'INVALID_NUMBER' } as const;
registerEnumType(DocumentLookupStatus, {
  name: 'DocumentLookupStatus',
  description:
    'FOUND: one person in scope holds it. NOT_FOUND: none in scope (outside the client’s territory is the same as absent). ' +
    'AMBIGUOUS: several persons hold it (shared or mistyped in a source; see `persons`). INVALID_NUMBER: not a valid number for its type.',
});

/** One entry of a batch lookup. The requested number is not echoed: `index` ties it to the request. */
@ObjectType({ simpleResolvers: true, description: 'The outcome of one document of a personsByDocuments request.' })
export class DocumentLookup {
  @Field(() => Int, { description: 'Position of the document in the request (0-based); results come in request order.' })
  index!: number;

  @Field(() => DocumentLookupStatus)
  status!: keyof typeof DocumentLookupStatus;

  @Field(() => Person, { nullable: true, description: 'The holder when FOUND.' })
  person!: Person | null;

  @Field(() => [Person], { description: 'Every holder in scope: one when FOUND, several when AMBIGUOUS.' })
  persons!: Person[];
}

/** Cost extension: the field's cost is multiplied by the length of this list argument (like `first`). */
export const documentsCost = Extensions({ costListArg: 'documents' });
