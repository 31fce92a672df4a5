import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DocumentType } from '../../graphql/shared';

@ObjectType({ description: 'A DIVIPOLA department (2-digit DANE code).', simpleResolvers: true })
export class Department {
  @Field(() => ID, { description: 'DANE code, e.g. "05".' })
  code!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType({ description: 'A DIVIPOLA municipal unit (5-digit DANE code = department + 3).' })
export class Municipality {
  @Field(() => ID, { description: 'DANE code, e.g. "05001".' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Municipio, Isla or Área no municipalizada.' })
  kind!: string;

  departmentCode!: string;
}

@ObjectType({ simpleResolvers: true })
export class DocumentTypeInfo {
  @Field(() => DocumentType)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Numbers are digits only.' })
  numeric!: boolean;

  @Field(() => Int, { nullable: true, description: 'Position in the NUIP life cycle CN/RC/NUIP (0–1) → TI (2) → CC (3).' })
  lifeCycleRank!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class SisbenSubgroupInfo {
  @Field(() => ID, { description: 'e.g. "C12".' })
  code!: string;

  @Field(() => String)
  group!: string;

  @Field(() => Int)
  level!: number;

  @Field(() => String)
  groupName!: string;
}

@ObjectType({ simpleResolvers: true })
export class VictimizingEvent {
  @Field(() => Int)
  code!: number;

  @Field(() => String)
  label!: string;
}

@ObjectType({ simpleResolvers: true })
export class KinshipRole {
  @Field(() => Int)
  code!: number;

  @Field(() => String)
  label!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One of the 45 Logros Básicos of Red JUNTOS.' })
export class LogroBasico {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  text!: string;

  @Field(() => Boolean, { description: 'The OCR of the source garbled a number in this wording.' })
  uncertain!: boolean;

  @Field(() => Boolean, { description: 'Answerable from registry data alone (LB 1, 3, 13, 45; LB 24, 26, 28, 29, 32 from the Sisbén IV dwelling).' })
  registryAnswerable!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A dimension of Red JUNTOS with its Logros Básicos.' })
export class LogroDimension {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  objective!: string;

  @Field(() => [LogroBasico])
  logros!: LogroBasico[];
}
